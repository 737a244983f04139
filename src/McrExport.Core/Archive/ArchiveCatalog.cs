using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>
/// The images an archive describes, read from <c>index.json</c> (and the blobs it points at). Problems found while
/// reading are collected, each naming the file it concerns, so that one bad image does not hide the others.
/// </summary>
public sealed record ArchiveCatalog(IReadOnlyList<ArchivedTop> Tops, bool HasIndex)
{
    public IEnumerable<ArchivedImage> Images => Tops.SelectMany(t => t.Images);

    public static ArchiveCatalog Read(ImageArchive archive, ICollection<string> problems)
    {
        if (!archive.Contains(OciLayoutContent.IndexFileName)) return new ArchiveCatalog([], false);
        var indexPath = Where(archive, OciLayoutContent.IndexFileName);
        ImageIndex index;
        try
        {
            index = ManifestParser.Parse(archive.ReadSmall(OciLayoutContent.IndexFileName), null, "index.json") as ImageIndex
                ?? throw new InvalidManifestException("index.json is an image manifest, not an index");
        }
        catch (IntegrityException e)
        {
            problems.Add($"{indexPath}: {e.Message}");
            return new ArchiveCatalog([], true);
        }

        var tops = new List<ArchivedTop>();
        // Each distinct manifest is read, checked and parsed once however often index.json names it, so memory stays
        // flat in the number of references.
        var known = new Dictionary<Digest, ArchivedTop?>();
        foreach (var entry in index.Manifests)
        {
            if (known.TryGetValue(entry.Digest, out var same))
            {
                if (same is not null) tops.Add(same with { Entry = entry });
                continue;
            }
            var countBefore = tops.Count;
            known[entry.Digest] = null;
            ReadTop(archive, entry, tops, problems);
            if (tops.Count > countBefore) known[entry.Digest] = tops[^1];
        }
        return new ArchiveCatalog(tops, true);
    }

    private static void ReadTop(ImageArchive archive, Descriptor entry, List<ArchivedTop> tops, ICollection<string> problems)
    {
        {
            var bytes = ReadDocument(archive, entry, problems);
            if (bytes is null) return;
            var path = Where(archive, LayoutBlob.PathOf(entry.Digest));
            object parsed;
            try { parsed = ManifestParser.Parse(bytes, entry.MediaType); }
            catch (IntegrityException e) { problems.Add($"{path}: {e.Message}"); return; }
            if (parsed is ImageManifest manifest)
            {
                if (ReadImage(archive, entry, bytes, manifest, problems) is { } image) tops.Add(new ArchivedTop(entry, bytes, [image], false));
                return;
            }
            var children = new List<ArchivedImage>();
            var seenChildren = new HashSet<Digest>();
            foreach (var child in ((ImageIndex)parsed).Manifests)
            {
                if (!seenChildren.Add(child.Digest)) continue;
                if (!MediaTypes.IsImageManifest(child.MediaType)) continue;
                if (!Resolve.PlatformSelector.IsImage(child) && !archive.ContainsBlob(child.Digest)) continue;
                var childBytes = ReadDocument(archive, child, problems);
                if (childBytes is null) continue;
                try
                {
                    if (ManifestParser.Parse(childBytes, child.MediaType) is ImageManifest m
                        && ReadImage(archive, child, childBytes, m, problems) is { } image)
                        children.Add(image);
                }
                catch (IntegrityException e) { problems.Add($"{Where(archive, LayoutBlob.PathOf(child.Digest))}: {e.Message}"); }
            }
            tops.Add(new ArchivedTop(entry, bytes, children, true));
        }
    }

    private static ArchivedImage? ReadImage(ImageArchive archive, Descriptor entry, byte[] bytes, ImageManifest manifest, ICollection<string> problems)
    {
        var configBytes = ReadDocument(archive, manifest.Config, problems);
        if (configBytes is null) return null;
        try
        {
            var config = ManifestParser.ParseConfig(configBytes);
            ManifestParser.CheckConsistent(manifest, config);
            return new ArchivedImage(entry, bytes, manifest, configBytes, config);
        }
        catch (IntegrityException e)
        {
            problems.Add($"{Where(archive, LayoutBlob.PathOf(manifest.Config.Digest))}: {e.Message}");
            return null;
        }
    }

    /// <summary>Reads a manifest, index or config blob and checks it against its descriptor.</summary>
    private static byte[]? ReadDocument(ImageArchive archive, Descriptor descriptor, ICollection<string> problems)
    {
        var name = LayoutBlob.PathOf(descriptor.Digest);
        if (!archive.Contains(name))
        {
            problems.Add($"{Where(archive, name)}: missing (referenced as {descriptor.MediaType})");
            return null;
        }
        try
        {
            var bytes = archive.ReadSmall(name);
            var actual = Digest.Compute(bytes, descriptor.Digest.Algorithm);
            if (actual != descriptor.Digest || bytes.Length != descriptor.Size)
            {
                problems.Add($"{Where(archive, name)}: {bytes.Length} bytes hashing to {actual}, but the descriptor says {descriptor.Size} bytes, {descriptor.Digest}");
                return null;
            }
            return bytes;
        }
        catch (IntegrityException e)
        {
            problems.Add($"{Where(archive, name)}: {e.Message}");
            return null;
        }
    }

    /// <summary>How a problem names a file: <c>archive.tar:blobs/sha256/…</c> or the folder path.</summary>
    public static string Where(ImageArchive archive, string name) =>
        archive.IsFolder ? Path.Combine(archive.Location, name) : $"{archive.Location}:{name}";
}
