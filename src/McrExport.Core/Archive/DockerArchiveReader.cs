using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>
/// Reads <c>manifest.json</c> of a docker-load archive, whoever wrote it: classic <c>docker save</c> (Docker ≤ 24:
/// <c>&lt;hex&gt;.json</c> configs, <c>&lt;v1-id&gt;/layer.tar</c>, shared layers as links), Docker 25+ and
/// containerd (<c>blobs/sha256/…</c>), skopeo and podman (<c>&lt;diff_id&gt;.tar</c> behind links),
/// go-containerregistry (<c>sha256:&lt;hex&gt;</c> configs, <c>&lt;hex&gt;.tar.gz</c> layers). Every config is
/// checked against its name; problems are collected, each naming its file. Each config and layer file is read once
/// however many entries name it (thousands of tags of one image cost one read).
/// </summary>
public static class DockerArchiveReader
{
    /// <summary>Every image whose config could be read (<see cref="DockerArchiveImage.Complete"/> says whether all its layers could).</summary>
    public static IReadOnlyList<DockerArchiveImage> Read(ImageArchive archive, ICollection<string> problems)
    {
        var where = archive.Where(DockerArchiveManifest.ManifestFileName);
        IReadOnlyList<DockerManifestItem> items;
        try { items = DockerManifestItem.Parse(archive.ReadSmall(DockerArchiveManifest.ManifestFileName)); }
        catch (IntegrityException e) { problems.Add($"{where}: {e.Message}"); return []; }
        if (items.Count == 0) problems.Add($"{where}: lists no image");

        var images = new List<DockerArchiveImage>();
        var configs = new Dictionary<string, (byte[] Bytes, ImageConfig Config, Digest Digest)?>(StringComparer.Ordinal);
        var layerFiles = new Dictionary<string, (LayerCompression Compression, Digest? Digest)>(StringComparer.Ordinal);
        var built = new Dictionary<string, IReadOnlyList<DockerArchiveLayer>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!IsInside(item.Config) || !archive.Contains(item.Config))
            {
                problems.Add($"{where}: Config '{item.Config}' is not a file of the archive");
                continue;
            }
            if (!configs.TryGetValue(item.Config, out var read))
            {
                read = ReadConfig(archive, item.Config, problems);
                configs[item.Config] = read;
            }
            if (read is not var (configBytes, config, configDigest)) continue;
            if (config.DiffIds.Count != item.Layers.Count)
            {
                problems.Add($"{where}: {item.Config} lists {config.DiffIds.Count} diff_ids but the entry has {item.Layers.Count} layers");
                continue;
            }
            // The same config and layer files named again share the layers read the first time.
            var key = $"{item.Config}\n{string.Join('\n', item.Layers)}";
            if (built.TryGetValue(key, out var same))
            {
                images.Add(new DockerArchiveImage(item, item.Config, configDigest, configBytes, config, same));
                continue;
            }

            var layers = new List<DockerArchiveLayer>();
            for (var i = 0; i < item.Layers.Count; i++)
            {
                var path = item.Layers[i];
                if (!IsInside(path)) { problems.Add($"{where}: layer path '{path}' is not a blob path inside the archive"); continue; }
                if (!archive.Contains(path)) { problems.Add($"{archive.Where(path)}: missing (layer {i} in manifest.json)"); continue; }
                var entry = archive.Entries[path];
                if (!layerFiles.TryGetValue(path, out var file))
                {
                    var sniffed = Sniff(archive, path);
                    file = (sniffed, sniffed == LayerCompression.None ? null : DigestInName(path) ?? HashOf(archive, path));
                    layerFiles[path] = file;
                }
                var compression = file.Compression;
                var digest = file.Digest ?? config.DiffIds[i];
                var parts = path.Split('/');
                var v1Id = parts.Length == 2 && parts[1] == "layer.tar" ? parts[0] : null;
                layers.Add(new DockerArchiveLayer(i, path, digest, entry.Size, compression, config.DiffIds[i], v1Id)
                {
                    Source = item.LayerSources.GetValueOrDefault(config.DiffIds[i].ToString()),
                });
            }
            built[key] = layers;
            images.Add(new DockerArchiveImage(item, item.Config, configDigest, configBytes, config, layers));
        }
        return images;
    }

    /// <summary>A config file read, parsed and checked against the digest its name states; null (with a problem) when it cannot be.</summary>
    private static (byte[] Bytes, ImageConfig Config, Digest Digest)? ReadConfig(ImageArchive archive, string path, ICollection<string> problems)
    {
        byte[] bytes;
        ImageConfig config;
        try
        {
            bytes = archive.ReadSmall(path);
            config = ManifestParser.ParseConfig(bytes);
        }
        catch (IntegrityException e) { problems.Add($"{archive.Where(path)}: {e.Message}"); return null; }
        var digest = Digest.Compute(bytes);
        if (DigestInName(path) is { } named && named != digest)
            problems.Add($"{archive.Where(path)}: the config hashes to {digest}, not to its name");
        return (bytes, config, digest);
    }

    /// <summary>
    /// The image as a member of a set: a manifest built from the config and the layer files (OCI media types, as
    /// Docker 25+ save writes; foreign layers as <c>LayerSources</c> describe them), marked as synthesized.
    /// </summary>
    public static Image ToImage(DockerArchiveImage image)
    {
        var config = new Descriptor(MediaTypes.OciConfig, image.ConfigDigest, image.ConfigBytes.Length);
        var layers = image.Layers.Select(l => l.Source is { } source && source.Digest == l.Digest
            ? source with { MediaType = MediaTypes.ToOci(source.MediaType) }
            : new Descriptor(l.Compression switch
            {
                LayerCompression.Gzip => MediaTypes.OciLayerGzip,
                LayerCompression.Zstd => MediaTypes.OciLayerZstd,
                _ => MediaTypes.OciLayer,
            }, l.Digest, l.Size)).ToList();
        var (descriptor, bytes, manifest) = ManifestDocument.Create(MediaTypes.OciManifest, config, layers);
        return new Image(descriptor, bytes, manifest, image.ConfigBytes, image.Config) { Synthesized = true };
    }

    /// <summary>Names as a docker archive gives them (<c>hello-world:latest</c> means Docker Hub).</summary>
    public static ImageReference? ParseRepoTag(string repoTag)
    {
        try
        {
            var slash = repoTag.IndexOf('/');
            var first = slash > 0 ? repoTag[..slash] : "";
            var hasHost = first.Contains('.') || first.Contains(':') || first == "localhost";
            return ImageReference.Parse(hasHost ? repoTag : $"{ImageReference.DockerHub}/{repoTag}");
        }
        catch (InvalidReferenceException)
        {
            return null;
        }
    }

    private static bool IsInside(string path)
    {
        try
        {
            TarEntryName.Validate(path);
            return !path.EndsWith('/');
        }
        catch (UnsafePathException)
        {
            return false;
        }
    }

    /// <summary>
    /// The digest a file's name states: <c>blobs/sha256/&lt;hex&gt;</c>, <c>&lt;hex&gt;.json</c>,
    /// <c>sha256:&lt;hex&gt;</c>, <c>&lt;hex&gt;.tar.gz</c>; null when it states none.
    /// </summary>
    internal static Digest? DigestInName(string path)
    {
        var parts = path.Split('/');
        if (parts.Length == 3 && parts[0] == "blobs" && Digest.TryParse($"{parts[1]}:{parts[2]}", out var blob)) return blob;
        var file = parts[^1];
        if (Digest.TryParse(file, out var full)) return full;
        foreach (var suffix in new[] { ".json", ".tar.gz", ".tgz", ".tar.zst", ".tar", ".gz" })
            if (file.EndsWith(suffix, StringComparison.Ordinal) && Digest.TryParse($"{Digest.Sha256}:{file[..^suffix.Length]}", out var hex))
                return hex;
        return null;
    }

    internal static LayerCompression Sniff(ImageArchive archive, string path)
    {
        using var stream = archive.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        var read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (read >= 2 && head[0] == 0x1f && head[1] == 0x8b) return LayerCompression.Gzip;
        if (read >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) return LayerCompression.Zstd;
        return LayerCompression.None;
    }

    private static Digest HashOf(ImageArchive archive, string path)
    {
        using var stream = archive.OpenRead(path);
        using var sha = System.Security.Cryptography.SHA256.Create();
        return Digest.FromHash(Digest.Sha256, sha.ComputeHash(stream));
    }
}
