using System.Text.Json;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>
/// Reads the OCI image layout part of an archive: <c>index.json</c> and the manifests it points at (images with their
/// configs, artifacts, indexes with the children that are present), each checked against its descriptor. Names come
/// from <c>io.containerd.image.name</c> and <c>org.opencontainers.image.ref.name</c> (a tag, or a full reference).
/// Problems are collected, each naming its file, so one bad image does not hide the others. Each distinct manifest is
/// read, checked and parsed once however often it is named (by index.json or by indexes), so time and memory stay
/// flat in the number of references; the <c>oci-layout</c> file must say a 1.x version.
/// </summary>
public static class OciLayoutReader
{
    /// <summary>The entries of <c>index.json</c>; an index whose <c>manifests</c> is null (moby#47210) has none.</summary>
    public static IReadOnlyList<SetEntry> Read(ImageArchive archive, ICollection<string> problems)
    {
        var indexPath = archive.Where(OciLayoutContent.IndexFileName);
        ImageIndex index;
        try
        {
            var bytes = archive.ReadSmall(OciLayoutContent.IndexFileName);
            if (HasNullManifests(bytes)) return [];
            index = ManifestParser.Parse(bytes, null, "index.json") as ImageIndex
                ?? throw new InvalidManifestException("index.json is an image manifest, not an index");
        }
        catch (IntegrityException e)
        {
            problems.Add($"{indexPath}: {e.Message}");
            return [];
        }

        if (LayoutVersion.Check(archive) is { } layoutProblem) problems.Add(layoutProblem);
        var entries = new List<SetEntry>();
        var read = new Dictionary<Digest, ManifestNode?>();
        foreach (var descriptor in index.Manifests)
        {
            var node = ReadNode(archive, descriptor, problems, read, top: true);
            if (node is not null) entries.Add(Named(node, descriptor));
        }
        return entries;
    }

    /// <summary>
    /// The node a descriptor names, read once per digest: a later descriptor of the same digest (and the same media
    /// type and size, else it is read and checked again) shares the first node, with its own descriptor.
    /// </summary>
    private static ManifestNode? ReadNode(ImageArchive archive, Descriptor descriptor, ICollection<string> problems, Dictionary<Digest, ManifestNode?> read, bool top)
    {
        if (read.TryGetValue(descriptor.Digest, out var known))
        {
            // Null: it failed (its problem is listed already) or it is being read (a loop).
            if (known is null) return null;
            if (known.Descriptor.Size == descriptor.Size && known.Descriptor.MediaType == descriptor.MediaType)
                return known.Descriptor == descriptor ? known : known with { Descriptor = descriptor };
            return ReadNodeOnce(archive, descriptor, problems, read, top);
        }
        read[descriptor.Digest] = null;
        var node = ReadNodeOnce(archive, descriptor, problems, read, top);
        read[descriptor.Digest] = node;
        return node;
    }

    private static ManifestNode? ReadNodeOnce(ImageArchive archive, Descriptor descriptor, ICollection<string> problems, Dictionary<Digest, ManifestNode?> read, bool top)
    {
        var path = archive.Where(LayoutBlob.PathOf(descriptor.Digest));
        var bytes = ReadDocument(archive, descriptor, problems);
        if (bytes is null) return null;
        object parsed;
        try { parsed = ManifestParser.Parse(bytes, descriptor.MediaType); }
        catch (IntegrityException e) { problems.Add($"{path}: {e.Message}"); return null; }

        if (parsed is ImageManifest manifest)
        {
            if (!ManifestParser.IsImage(descriptor, manifest)) return new Artifact(descriptor, bytes, manifest);
            var configBytes = ReadDocument(archive, manifest.Config, problems);
            if (configBytes is null) return null;
            try
            {
                var config = ManifestParser.ParseConfig(configBytes);
                ManifestParser.CheckConsistent(manifest, config);
                return new Image(descriptor, bytes, manifest, configBytes, config);
            }
            catch (IntegrityException e)
            {
                problems.Add($"{archive.Where(LayoutBlob.PathOf(manifest.Config.Digest))}: {e.Message}");
                return null;
            }
        }

        var index = (ImageIndex)parsed;
        var children = new List<ManifestNode>();
        foreach (var child in index.Manifests)
        {
            // An export of one platform keeps the index but only that platform's blobs: absent children are left out.
            if (!archive.ContainsBlob(child.Digest)) continue;
            if (!MediaTypes.IsImageManifest(child.MediaType) && !MediaTypes.IsIndex(child.MediaType)) continue;
            if (ReadNode(archive, child, problems, read, top: false) is { } node) children.Add(node);
        }
        if (top && children.Count == 0) problems.Add($"{path}: none of the index's {index.Manifests.Count} manifests is in the archive");
        return new IndexNode(descriptor, bytes, index, children);
    }

    /// <summary>The entry with the names its <c>index.json</c> descriptor carries.</summary>
    private static SetEntry Named(ManifestNode node, Descriptor descriptor)
    {
        var annotations = descriptor.Annotations;
        var full = annotations?.GetValueOrDefault(OciLayoutContent.ContainerdImageNameAnnotation);
        var refName = annotations?.GetValueOrDefault(OciLayoutContent.RefNameAnnotation);
        var reference = Parse(full);
        if (reference is null && refName is not null && (refName.Contains('/') || refName.Contains('@')))
        {
            reference = Parse(refName);
            refName = null;
        }
        if (refName is not null && !ImageReference.IsValidTag(refName)) refName = null;
        return new SetEntry(node, reference, reference?.Tag is null ? refName : null);
    }

    private static ImageReference? Parse(string? name)
    {
        if (name is null) return null;
        try { return ImageReference.Parse(name); }
        catch (InvalidReferenceException) { return null; }
    }

    private static bool HasNullManifests(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("manifests", out var m) && m.ValueKind == JsonValueKind.Null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads a manifest, index or config blob and checks it against its descriptor.</summary>
    private static byte[]? ReadDocument(ImageArchive archive, Descriptor descriptor, ICollection<string> problems)
    {
        var name = LayoutBlob.PathOf(descriptor.Digest);
        if (!archive.Contains(name))
        {
            problems.Add($"{archive.Where(name)}: missing (referenced as {descriptor.MediaType})");
            return null;
        }
        try
        {
            var bytes = archive.ReadSmall(name);
            var actual = Digest.Compute(bytes, descriptor.Digest.Algorithm);
            if (actual != descriptor.Digest || bytes.Length != descriptor.Size)
            {
                problems.Add($"{archive.Where(name)}: {bytes.Length} bytes hashing to {actual}, but the descriptor says {descriptor.Size} bytes, {descriptor.Digest}");
                return null;
            }
            return bytes;
        }
        catch (IntegrityException e)
        {
            problems.Add($"{archive.Where(name)}: {e.Message}");
            return null;
        }
    }
}
