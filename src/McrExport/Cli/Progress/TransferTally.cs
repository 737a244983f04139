using System.Collections.Concurrent;
using McrExport.Model;
using McrExport.Transfer;

namespace McrExport.Cli.Progress;

/// <summary>
/// Counts what an export moved, for its summary: bytes downloaded in this run, bytes a resumed download already had
/// (from an earlier, interrupted run), and bytes taken from the cache; then passes every call on.
/// </summary>
public sealed class TransferTally(ITransferObserver next) : ITransferObserver
{
    private readonly ConcurrentDictionary<Digest, long> _resumedAt = new();
    private long _downloaded;
    private long _cached;
    private int _cachedBlobs;

    public long BytesDownloaded => Interlocked.Read(ref _downloaded);

    public long BytesResumed => _resumedAt.Values.Sum();

    public int BlobsResumed => _resumedAt.Values.Count(v => v > 0);

    public long BytesFromCache => Interlocked.Read(ref _cached);

    public int BlobsFromCache => Volatile.Read(ref _cachedBlobs);

    public void Started(Descriptor blob, string source, long resumeOffset)
    {
        _resumedAt.TryAdd(blob.Digest, resumeOffset);
        next.Started(blob, source, resumeOffset);
    }

    public void Progress(Descriptor blob, long bytes)
    {
        Interlocked.Add(ref _downloaded, bytes);
        next.Progress(blob, bytes);
    }

    public void Retrying(Descriptor blob, string source, string reason, int attempt, TimeSpan delay) =>
        next.Retrying(blob, source, reason, attempt, delay);

    public void Completed(Descriptor blob, bool fromCache)
    {
        if (fromCache)
        {
            Interlocked.Add(ref _cached, blob.Size);
            Interlocked.Increment(ref _cachedBlobs);
        }
        next.Completed(blob, fromCache);
    }
}
