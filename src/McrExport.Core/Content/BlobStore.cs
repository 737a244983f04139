using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Content;

/// <summary>
/// The content-addressed blob cache. Layout under <see cref="Root"/>:
/// <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c> holds only verified blobs (published by rename, so never half-written);
/// <c>partial/&lt;alg&gt;/&lt;hex&gt;</c> holds the bytes of an unfinished download, kept for resume;
/// <c>partial/&lt;alg&gt;/&lt;hex&gt;.segments</c> records which ranges of it are done when it is fetched over several
/// connections; <c>partial/&lt;alg&gt;/&lt;hex&gt;.lock</c> is held open (exclusively) by whichever process is writing it, so several
/// runs can share one cache. A blob's last use is recorded as its file's modification time.
/// </summary>
public sealed class BlobStore : IBlobReader
{
    private const int BufferSize = 1 << 20;

    public BlobStore(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary>The default cache folder: <c>$XDG_CACHE_HOME/mcr-export</c>, <c>~/.cache/mcr-export</c>, or <c>%LOCALAPPDATA%\mcr-export</c>.</summary>
    public static string DefaultRoot()
    {
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "mcr-export", "cache");
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "mcr-export");
    }

    public string PathOf(Digest digest) => Path.Combine(Root, "blobs", digest.Algorithm, digest.Encoded);

    public string PartialPathOf(Digest digest) => Path.Combine(Root, "partial", digest.Algorithm, digest.Encoded);

    private string LockPathOf(Digest digest) => PartialPathOf(digest) + ".lock";

    /// <summary>True when a verified blob of this digest and size is in the store; records the use.</summary>
    public bool Contains(Digest digest, long size)
    {
        var info = new FileInfo(PathOf(digest));
        if (!info.Exists) return false;
        if (info.Length != size) return false;
        Touch(info.FullName);
        return true;
    }

    public Stream OpenRead(Digest digest) =>
        new FileStream(PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize,
            FileOptions.SequentialScan);

    /// <summary>Stores small bytes (a manifest or config) after checking them against the descriptor.</summary>
    public async Task PutAsync(Descriptor descriptor, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        BlobVerifier.Check(descriptor, bytes.Span);
        if (Contains(descriptor.Digest, descriptor.Size)) return;
        var target = PathOf(descriptor.Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            await File.WriteAllBytesAsync(temp, bytes.ToArray(), cancellationToken).ConfigureAwait(false);
            File.Move(temp, target, overwrite: true);
        }
        catch (IOException e) when (DiskErrors.IsDiskFull(e))
        {
            throw DiskErrors.Full(Root, bytes.Length, e);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>
    /// Takes the exclusive right to download one blob. Tasks of this process queue on an in-process gate; other
    /// processes are kept out by the lock file, polled while another holds it. A handle on a lock file that its
    /// holder deleted on release (between our open and our lock) is not a lock, so that case tries again. The caller
    /// should check <see cref="Contains"/> again once it has the lock.
    /// </summary>
    public async Task<BlobWriteLock> LockAsync(Digest digest, CancellationToken cancellationToken)
    {
        var lockPath = LockPathOf(digest);
        var gate = InProcessGate.For(lockPath);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
                FileStream? handle = null;
                try
                {
                    handle = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                        FileOptions.DeleteOnClose);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not PathTooLongException)
                {
                }
                if (handle is not null)
                {
                    if (File.Exists(lockPath)) return new BlobWriteLock(this, digest, handle, gate);
                    handle.Dispose();
                    continue;
                }
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>Moves a fully written and verified partial file into place.</summary>
    internal void Publish(Digest digest)
    {
        var target = PathOf(digest);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(PartialPathOf(digest), target, overwrite: true);
        Touch(target);
    }

    /// <summary>Every verified blob and every partial download: digest, size and last use.</summary>
    public IEnumerable<CachedBlob> List() => ListUnder("blobs", partial: false).Concat(ListUnder("partial", partial: true));

    private IEnumerable<CachedBlob> ListUnder(string folder, bool partial)
    {
        var root = Path.Combine(Root, folder);
        if (!Directory.Exists(root)) yield break;
        foreach (var algorithmDir in Directory.EnumerateDirectories(root))
        foreach (var file in Directory.EnumerateFiles(algorithmDir))
        {
            if (!Digest.TryParse($"{Path.GetFileName(algorithmDir)}:{Path.GetFileName(file)}", out var digest)) continue;
            var info = new FileInfo(file);
            yield return new CachedBlob(digest, info.Length, info.LastWriteTimeUtc, partial);
        }
    }

    /// <summary>Deletes blobs (and partial downloads) last used before <paramref name="olderThan"/>; returns what went.</summary>
    public IReadOnlyList<CachedBlob> Prune(DateTime olderThan)
    {
        var removed = new List<CachedBlob>();
        foreach (var blob in List().ToList())
        {
            if (blob.LastUsedUtc >= olderThan) continue;
            var path = blob.Partial ? PartialPathOf(blob.Digest) : PathOf(blob.Digest);
            if (!TryDelete(path)) continue;
            removed.Add(blob);
            if (blob.Partial) TryDelete(path + SegmentsSuffix);
        }
        PruneStraySegmentRecords(olderThan);
        return removed;
    }

    /// <summary>
    /// The suffix of the record beside a partial file fetched over several connections (which ranges are done):
    /// <c>partial/&lt;alg&gt;/&lt;hex&gt;.segments</c>. It goes with its partial file.
    /// </summary>
    public const string SegmentsSuffix = ".segments";

    /// <summary>Records whose partial file is gone (a crash between the two deletions) and not written since the cutoff.</summary>
    private void PruneStraySegmentRecords(DateTime olderThan)
    {
        var root = Path.Combine(Root, "partial");
        if (!Directory.Exists(root)) return;
        foreach (var algorithmDir in Directory.EnumerateDirectories(root))
        foreach (var record in Directory.EnumerateFiles(algorithmDir, "*" + SegmentsSuffix))
        {
            var partial = record[..^SegmentsSuffix.Length];
            if (!Digest.TryParse($"{Path.GetFileName(algorithmDir)}:{Path.GetFileName(partial)}", out _)) continue;
            if (!File.Exists(partial) && File.GetLastWriteTimeUtc(record) < olderThan) TryDelete(record);
        }
    }

    internal static void Touch(string path)
    {
        try { File.SetLastWriteTimeUtc(path, DateTime.UtcNow); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    internal static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }
}

/// <summary>One entry of the cache listing.</summary>
public sealed record CachedBlob(Digest Digest, long Size, DateTime LastUsedUtc, bool Partial);

/// <summary>The exclusive right to write one blob's partial file; released on dispose.</summary>
public sealed class BlobWriteLock : IDisposable
{
    private readonly BlobStore _store;
    private readonly FileStream _handle;
    private readonly SemaphoreSlim _gate;
    private int _disposed;

    internal BlobWriteLock(BlobStore store, Digest digest, FileStream handle, SemaphoreSlim gate)
    {
        _store = store;
        Digest = digest;
        _handle = handle;
        _gate = gate;
    }

    public Digest Digest { get; }

    public string PartialPath => _store.PartialPathOf(Digest);

    /// <summary>Publishes the partial file as the verified blob.</summary>
    public void Publish() => _store.Publish(Digest);

    /// <summary>Throws the partial file away (after a digest mismatch, or a server that ignored Range).</summary>
    public void DiscardPartial() => BlobStore.TryDelete(PartialPath);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _handle.Dispose();
        _gate.Release();
    }
}
