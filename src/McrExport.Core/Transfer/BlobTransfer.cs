using McrExport.Content;
using McrExport.Http;
using McrExport.Planning;

namespace McrExport.Transfer;

/// <summary>
/// Fills the store with every blob of a plan, several at once (the biggest first); a big blob over several connections,
/// the run's connections bounded by one <see cref="ConnectionGate"/>. Stops all on the first failure.
/// </summary>
public sealed class BlobTransfer(BlobStore store, HttpTransport transport, TransferOptions options, ITransferObserver? observer = null)
{
    public async Task<TransferSummary> RunAsync(IReadOnlyList<PlannedBlob> blobs, CancellationToken cancellationToken)
    {
        using var gate = new ConnectionGate(options);
        var downloader = new BlobDownloader(store, transport, options, observer ?? NullTransferObserver.Instance, gate);
        int downloadedBlobs = 0, cachedBlobs = 0;
        long downloadedBytes = 0, cachedBytes = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken };
        var ordered = blobs.OrderByDescending(b => b.Descriptor.Size).ToList();
        await Parallel.ForEachAsync(ordered, parallel, async (blob, ct) =>
        {
            var result = await downloader.FetchAsync(blob, ct).ConfigureAwait(false);
            if (result.FromCache)
            {
                Interlocked.Increment(ref cachedBlobs);
                Interlocked.Add(ref cachedBytes, blob.Descriptor.Size);
            }
            else
            {
                Interlocked.Increment(ref downloadedBlobs);
                Interlocked.Add(ref downloadedBytes, result.BytesDownloaded);
            }
        }).ConfigureAwait(false);
        return new TransferSummary(downloadedBlobs, downloadedBytes, cachedBlobs, cachedBytes);
    }
}
