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

    /// <summary>
    /// The artifacts of <c>index.json</c> that refer to another manifest (signatures, SBOMs, attestations): by their
    /// <c>subject</c>, or by a cosign-style tag <c>sha256-&lt;hex&gt;.sig</c> in <c>org.opencontainers.image.ref.name</c>.
    /// </summary>
    public IReadOnlyList<Referrer> Referrers { get; init; } = [];

    /// <summary>The referrers of <paramref name="subject"/> and, recursively, theirs.</summary>
    public IEnumerable<Referrer> ReferrersOf(Digest subject)
    {
        var level = new HashSet<Digest> { subject };
        var seen = new HashSet<Digest> { subject };
        while (level.Count > 0)
        {
            var next = new HashSet<Digest>();
            foreach (var referrer in Referrers.Where(r => level.Contains(r.Subject)))
            {
                if (!seen.Add(referrer.Descriptor.Digest)) continue;
                next.Add(referrer.Descriptor.Digest);
                yield return referrer;
            }
            level = next;
        }
    }

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
        var referrers = new List<Referrer>();
        foreach (var entry in index.Manifests)
        {
            var bytes = ReadDocument(archive, entry, problems);
            if (bytes is null) continue;
            var path = Where(archive, LayoutBlob.PathOf(entry.Digest));
            object parsed;
            try { parsed = ManifestParser.Parse(bytes, entry.MediaType); }
            catch (IntegrityException e) { problems.Add($"{path}: {e.Message}"); continue; }
            if (parsed is ImageManifest artifact && AsReferrer(entry, bytes, artifact) is { } referrer)
            {
                referrers.Add(referrer);
                continue;
            }
            if (parsed is ImageManifest { } plain && ReferrerKinds.IsArtifact(plain, entry))
                continue;
            if (parsed is ImageManifest manifest)
            {
                if (ReadImage(archive, entry, bytes, manifest, problems) is { } image) tops.Add(new ArchivedTop(entry, bytes, [image], false));
                continue;
            }
            var children = new List<ArchivedImage>();
            foreach (var child in ((ImageIndex)parsed).Manifests)
            {
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
        return new ArchiveCatalog(tops, true) { Referrers = referrers };
    }

    /// <summary>An entry that is an artifact with a subject, or one listed under a cosign-style tag; null otherwise.</summary>
    private static Referrer? AsReferrer(Descriptor entry, byte[] bytes, ImageManifest manifest)
    {
        var tag = entry.Annotations?.GetValueOrDefault(OciLayoutContent.RefNameAnnotation);
        var cosignSubject = Referrer.SubjectOfCosignTag(tag);
        if (manifest.Subject is { } subject && ReferrerKinds.IsArtifact(manifest, entry))
            return new Referrer(subject.Digest, entry with { Platform = null }, bytes, manifest, cosignSubject is null ? null : tag);
        if (cosignSubject is { } named)
            return new Referrer(named, entry with { Platform = null }, bytes, manifest, tag);
        return null;
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
