using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>
/// Reads <c>manifest.json</c> of a docker-load archive, whoever wrote it: classic <c>docker save</c> (Docker ≤ 24:
/// <c>&lt;hex&gt;.json</c> configs, <c>&lt;v1-id&gt;/layer.tar</c>, shared layers as links), Docker 25+ and
/// containerd (<c>blobs/sha256/…</c>), skopeo and podman (<c>&lt;diff_id&gt;.tar</c> behind links),
/// go-containerregistry (<c>sha256:&lt;hex&gt;</c> configs, <c>&lt;hex&gt;.tar.gz</c> layers). Every config is
/// checked against its name; problems are collected, each naming its file.
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
        foreach (var item in items)
        {
            if (!IsInside(item.Config) || !archive.Contains(item.Config))
            {
                problems.Add($"{where}: Config '{item.Config}' is not a file of the archive");
                continue;
            }
            byte[] configBytes;
            ImageConfig config;
            try
            {
                configBytes = archive.ReadSmall(item.Config);
                config = ManifestParser.ParseConfig(configBytes);
            }
            catch (IntegrityException e) { problems.Add($"{archive.Where(item.Config)}: {e.Message}"); continue; }
            var configDigest = Digest.Compute(configBytes);
            if (DigestInName(item.Config) is { } named && named != configDigest)
                problems.Add($"{archive.Where(item.Config)}: the config hashes to {configDigest}, not to its name");
            if (config.DiffIds.Count != item.Layers.Count)
            {
                problems.Add($"{where}: {item.Config} lists {config.DiffIds.Count} diff_ids but the entry has {item.Layers.Count} layers");
                continue;
            }

            var layers = new List<DockerArchiveLayer>();
            for (var i = 0; i < item.Layers.Count; i++)
            {
                var path = item.Layers[i];
                if (!IsInside(path)) { problems.Add($"{where}: layer path '{path}' is not a blob path inside the archive"); continue; }
                if (!archive.Contains(path)) { problems.Add($"{archive.Where(path)}: missing (layer {i} in manifest.json)"); continue; }
                var entry = archive.Entries[path];
                var compression = Sniff(archive, path);
                var digest = compression == LayerCompression.None ? config.DiffIds[i] : DigestInName(path) ?? HashOf(archive, path);
                var parts = path.Split('/');
                var v1Id = parts.Length == 2 && parts[1] == "layer.tar" ? parts[0] : null;
                layers.Add(new DockerArchiveLayer(i, path, digest, entry.Size, compression, config.DiffIds[i], v1Id)
                {
                    Source = item.LayerSources.GetValueOrDefault(config.DiffIds[i].ToString()),
                });
            }
            images.Add(new DockerArchiveImage(item, item.Config, configDigest, configBytes, config, layers));
        }
        return images;
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
