using McrExport.Content;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>
/// Blobs read in place from an archive: <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>, or the file a docker-load archive keeps
/// a config or layer in (<c>&lt;id&gt;/layer.tar</c>, <c>&lt;hex&gt;.json</c>, …). Sinks read these as they read
/// the blob store.
/// </summary>
public sealed class ArchiveBlobReader(ImageArchive archive, IReadOnlyDictionary<Digest, string> files) : IBlobReader
{
    public ImageArchive Archive => archive;

    /// <summary>The archive's file for <paramref name="digest"/>, or null when it has none.</summary>
    public string? NameOf(Digest digest) =>
        files.TryGetValue(digest, out var name) ? name : archive.ContainsBlob(digest) ? LayoutBlob.PathOf(digest) : null;

    public bool Contains(Digest digest) => NameOf(digest) is not null;

    /// <summary>Opens the blob; reading it to its end checks it against <paramref name="digest"/> (<see cref="VerifyingReadStream"/>).</summary>
    public Stream OpenRead(Digest digest)
    {
        var name = NameOf(digest) ?? throw new Errors.IntegrityException($"{archive.Where(LayoutBlob.PathOf(digest))}: missing");
        return new VerifyingReadStream(archive.OpenRead(name), digest, archive.Where(name));
    }

    /// <summary>The file itself for a folder (so a layout can be hard-linked from it); a path that does not exist for a tar.</summary>
    public string PathOf(Digest digest) =>
        archive.IsFolder && NameOf(digest) is { } name ? Path.Combine(archive.Location, name) : Path.Combine(archive.Location, "\0none");
}
