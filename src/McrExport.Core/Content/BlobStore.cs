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

    /// <summary>
    /// True when a verified blob of this digest and size is in the store and still holds what was verified; records
    /// the use. A blob whose file changed since it was verified (its stamp differs) is hashed again; one that no
    /// longer hashes to its name, or is not a regular file, is removed, so the caller fetches it anew.
    /// </summary>
    public bool Contains(Digest digest, long size)
    {
        var path = PathOf(digest);
        FileIdentity? identity;
        try { identity = SafeFile.Identify(path); }
        catch (Exception e) when (e is FileNotFoundException or UnauthorizedAccessException) { return false; }
        if (identity is null)
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length != size) return false;
            Touch(info.FullName);
            return true;
        }
        if (identity.Kind != FileKind.Regular)
        {
            Evict(digest);
            return false;
        }
        if (identity.Size != size) return false;
        if (!IsTrusted(digest, identity))
        {
            try
            {
                using var stream = SafeFile.OpenRead(path, out var opened);
                if (opened is null || !opened.SameContentAs(identity) || !HashesTo(stream, digest))
                {
                    Evict(digest);
                    return false;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or IntegrityException)
            {
                Evict(digest);
                return false;
            }
        }
        Seal(path, digest);
        return true;
    }

    /// <summary>
    /// Opens a verified blob. When its file is not the one that was verified (another inode, size or change time),
    /// it is hashed again through the open handle first; a blob that changed is removed and is an
    /// <see cref="DigestMismatchException"/>, so damage in the cache never reaches an output.
    /// </summary>
    public Stream OpenRead(Digest digest)
    {
        var path = PathOf(digest);
        var stream = SafeFile.OpenRead(path, out var identity);
        if (identity is null || IsTrusted(digest, identity)) return stream;
        try
        {
            if (!HashesTo(stream, digest))
            {
                stream.Dispose();
                Evict(digest);
                throw new DigestMismatchException($"the cached blob {digest} ({path}) changed since it was verified; it was removed from the cache, run again to fetch it");
            }
            stream.Position = 0;
            WriteStamp(digest, identity);
            return stream;
        }
        catch (Exception) when (Dispose(stream))
        {
            throw;
        }
    }

    /// <summary>
    /// Hard-links a verified blob to <paramref name="target"/>: only when its file is read-only (0444) and still the
    /// one that was verified, so an output never shares a writable inode with the cache. False when it cannot be had
    /// (the caller copies instead).
    /// </summary>
    public bool TryLink(Digest digest, string target)
    {
        var path = PathOf(digest);
        FileIdentity? identity;
        try { identity = SafeFile.Identify(path); }
        catch (Exception e) when (e is FileNotFoundException or UnauthorizedAccessException) { return false; }
        if (identity is not { Kind: FileKind.Regular, IsReadOnly: true } || !IsTrusted(digest, identity)) return false;
        if (!Output.HardLink.TryCreate(path, target)) return false;
        // The link moved the change time; the stamp follows when nothing else changed, so the next use costs no hash.
        try
        {
            if (SafeFile.Identify(path) is { } linked && linked.SameContentOrLinkedAs(identity) && linked.Links == identity.Links + 1)
                WriteStamp(digest, linked);
        }
        catch (Exception e) when (e is FileNotFoundException or UnauthorizedAccessException) { }
        return true;
    }

    /// <summary>What a blob's file was when it was last verified: <c>stamps/&lt;alg&gt;/&lt;hex&gt;</c>.</summary>
    private string StampPathOf(Digest digest) => Path.Combine(Root, "stamps", digest.Algorithm, digest.Encoded);

    private bool IsTrusted(Digest digest, FileIdentity identity)
    {
        try
        {
            var stampPath = StampPathOf(digest);
            if (SafeFile.KindOf(stampPath) != FileKind.Regular) return false;
            var stamp = new FileInfo(stampPath).Length > 256 ? null : FileIdentity.TryParse(File.ReadAllText(stampPath));
            if (stamp is null) return false;
            if (identity.SameContentAs(stamp)) return true;
            // Only hard links came or went (an output made from the cache, or deleted): restamp, no hash needed.
            if (!identity.SameContentOrLinkedAs(stamp)) return false;
            WriteStamp(digest, identity);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Makes a verified blob read-only, records its use and stamps what it is now.</summary>
    private void Seal(string path, Digest digest)
    {
        MakeReadOnly(path);
        Touch(path);
        try
        {
            if (SafeFile.Identify(path) is { Kind: FileKind.Regular } now) WriteStamp(digest, now);
        }
        catch (Exception e) when (e is FileNotFoundException or UnauthorizedAccessException) { }
    }

    private void WriteStamp(Digest digest, FileIdentity identity)
    {
        var stampPath = StampPathOf(digest);
        var temp = $"{stampPath}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(stampPath)!);
            File.WriteAllText(temp, identity.Stamp);
            File.Move(temp, stampPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Removes a blob that is no longer what its name says (and its stamp).</summary>
    private void Evict(Digest digest)
    {
        TryDelete(PathOf(digest));
        TryDelete(StampPathOf(digest));
    }

    private static bool HashesTo(Stream stream, Digest digest)
    {
        using var hash = digest.CreateHasher();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, BufferSize)) > 0) hash.AppendData(buffer, 0, read);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return Digest.FromHash(digest.Algorithm, hash.GetHashAndReset()) == digest;
    }

    private static bool Dispose(Stream stream)
    {
        stream.Dispose();
        return false;
    }

    private static void MakeReadOnly(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            const UnixFileMode readOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            if (File.GetUnixFileMode(path) != readOnly) File.SetUnixFileMode(path, readOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

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
            Seal(target, descriptor.Digest);
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
        Seal(target, digest);
    }

    /// <summary>Every verified blob and every partial download: digest, size and last use.</summary>
    public IEnumerable<CachedBlob> List() => ListUnder("blobs", partial: false).Concat(ListUnder("partial", partial: true));

    private IEnumerable<CachedBlob> ListUnder(string folder, bool partial)
    {
        var root = Path.Combine(Root, folder);
        if (!IsRealDirectory(root)) yield break;
        foreach (var algorithmDir in Directory.EnumerateDirectories(root))
        {
            if (!IsRealDirectory(algorithmDir)) continue;
            foreach (var file in Directory.EnumerateFiles(algorithmDir))
            {
                if (!Digest.TryParse($"{Path.GetFileName(algorithmDir)}:{Path.GetFileName(file)}", out var digest)) continue;
                if (!IsRealFile(file)) continue;
                var info = new FileInfo(file);
                yield return new CachedBlob(digest, info.Length, info.LastWriteTimeUtc, partial);
            }
        }
    }

    /// <summary>A folder of the cache that is a folder itself, not a link to one elsewhere.</summary>
    private static bool IsRealDirectory(string path)
    {
        try { return SafeFile.KindOf(path) == FileKind.Directory; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    private static bool IsRealFile(string path)
    {
        try { return SafeFile.KindOf(path) == FileKind.Regular; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>Deletes one verified blob (and its stamp); for a temporary store whose copy is no longer needed.</summary>
    public void Remove(Digest digest)
    {
        if (TryDelete(PathOf(digest))) TryDelete(StampPathOf(digest));
    }

    /// <summary>Deletes blobs (and partial downloads) last used before <paramref name="olderThan"/>; returns what went.</summary>
    public IReadOnlyList<CachedBlob> Prune(DateTime olderThan)
    {
        if (IsRealDirectory(Path.Combine(Root, "tmp"))) Leftovers.CleanFolder(Path.Combine(Root, "tmp"));
        var removed = new List<CachedBlob>();
        foreach (var blob in List().ToList())
        {
            if (blob.LastUsedUtc >= olderThan) continue;
            var path = blob.Partial ? PartialPathOf(blob.Digest) : PathOf(blob.Digest);
            // Checked again right before the delete: a folder swapped for a link since the listing is not entered.
            if (!IsRealDirectory(Path.GetDirectoryName(path)!) || !IsRealDirectory(Path.GetDirectoryName(Path.GetDirectoryName(path))!) || !IsRealFile(path)) continue;
            if (TryDelete(path))
            {
                if (!blob.Partial) TryDelete(StampPathOf(blob.Digest));
                else if (IsRealFile(path + SegmentsSuffix)) TryDelete(path + SegmentsSuffix);
                removed.Add(blob);
            }
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
        if (!IsRealDirectory(root)) return;
        foreach (var algorithmDir in Directory.EnumerateDirectories(root).Where(IsRealDirectory))
        foreach (var record in Directory.EnumerateFiles(algorithmDir, "*" + SegmentsSuffix).Where(IsRealFile))
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
