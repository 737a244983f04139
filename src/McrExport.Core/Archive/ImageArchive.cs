using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>
/// Random read access to an archive: a tar (docker-tar, oci-tar, any producer's) or an OCI layout folder. Opening indexes
/// the names; <see cref="Problems"/> holds what was wrong with the container itself (unsafe names, truncation).
/// </summary>
public abstract class ImageArchive
{
    protected ImageArchive(string location, IReadOnlyDictionary<string, ArchiveEntry> entries, IReadOnlyList<string> problems)
    {
        Location = location;
        Entries = entries;
        Problems = problems;
    }

    public string Location { get; }

    public IReadOnlyDictionary<string, ArchiveEntry> Entries { get; }

    public IReadOnlyList<string> Problems { get; }

    public abstract bool IsFolder { get; }

    /// <summary>The parts when the archive is split (<c>NAME.001</c>, … and <c>NAME.sha256</c>); null otherwise.</summary>
    public PartSet? Parts { get; protected init; }

    /// <summary>Opens a tar, a split tar (any of its parts, its <c>.sha256</c>, or its joined name) or a folder; anything else is a usage error.</summary>
    public static ImageArchive Open(string path)
    {
        if (PartSet.TryOpen(path) is { } parts)
        {
            if (parts.Parts.Count == 0) throw new UsageException($"'{path}': no part of the split archive {parts.Name} is there");
            var archive = TarImageArchive.Open(parts.Name, parts.OpenRead);
            return new SplitTarArchive(archive, parts);
        }
        if (Directory.Exists(path)) return FolderImageArchive.OpenFolder(path);
        if (File.Exists(path)) return TarImageArchive.OpenTar(path);
        throw new UsageException($"'{path}': no such file or folder");
    }

    /// <summary>How a problem names a file: <c>archive.tar:blobs/sha256/…</c> or the path in the folder.</summary>
    public string Where(string name) => IsFolder ? Path.Combine(Location, name) : $"{Location}:{name}";

    public bool Contains(string name) => Entries.ContainsKey(name);

    public bool ContainsBlob(Digest digest) => Entries.ContainsKey(LayoutBlob.PathOf(digest));

    /// <summary>Opens one file for reading; the stream ends at the file's end.</summary>
    public abstract Stream OpenRead(string name);

    public Stream OpenBlob(Digest digest) => OpenRead(LayoutBlob.PathOf(digest));

    /// <summary>Reads a small file (a JSON document) into memory.</summary>
    public byte[] ReadSmall(string name)
    {
        if (!Entries.TryGetValue(name, out var entry)) throw new IntegrityException($"{Location}: '{name}' is missing");
        if (entry.Size > ManifestParser.MaxDocumentSize)
            throw new InvalidManifestException($"{Location}: '{name}' is {entry.Size} bytes, more than the limit of {ManifestParser.MaxDocumentSize}");
        using var stream = OpenRead(name);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
