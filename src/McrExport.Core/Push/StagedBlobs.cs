using McrExport.Content;
using McrExport.Model;

namespace McrExport.Push;

/// <summary>
/// Blobs made on the way (layers compressed for a registry) in a temporary folder, in front of another reader;
/// the folder is removed on dispose.
/// </summary>
public sealed class StagedBlobs(IBlobReader fallback, string directory) : IBlobReader, IDisposable
{
    private readonly Dictionary<Digest, string> _files = new();

    public string Directory => directory;

    public void Add(Digest digest, string path)
    {
        lock (_files) _files[digest] = path;
    }

    private string? Find(Digest digest)
    {
        lock (_files) return _files.GetValueOrDefault(digest);
    }

    public Stream OpenRead(Digest digest) => Find(digest) is { } path
        ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan)
        : fallback.OpenRead(digest);

    public string PathOf(Digest digest) => Find(digest) ?? fallback.PathOf(digest);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
