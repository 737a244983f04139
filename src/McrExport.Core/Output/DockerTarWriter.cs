using McrExport.Content;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// Writes the images as one tar that <c>docker load</c> reads, shaped like <c>docker save</c> of Docker 25+
/// (moby <c>image/tarexport/save.go</c>, https://github.com/moby/moby/blob/master/image/tarexport/save.go):
/// an OCI image layout (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/…</c>) plus <c>manifest.json</c>
/// pointing at the same blobs, and <c>repositories</c>. Layers are written as served (compressed; load decompresses
/// them and checks them against <c>rootfs.diff_ids</c>); foreign layers are included and described in
/// <c>LayerSources</c> so a later push keeps them foreign.
/// <para>
/// With <see cref="WriterOptions.UncompressedLayers"/> the archive is the docker-load part only: <c>manifest.json</c>,
/// <c>repositories</c>, the config blobs and each layer decompressed as <c>blobs/sha256/&lt;diff_id hex&gt;</c>
/// (checked against the diff_id while it is staged in <see cref="WriterOptions.TempDirectory"/>). No
/// <c>oci-layout</c> or <c>index.json</c> is written then, because the registry's manifests describe the compressed
/// blobs and a rewritten manifest would no longer match the digest the image was pulled by; without
/// <c>oci-layout</c> every loader falls back to <c>manifest.json</c>. <c>LayerSources</c> still describe foreign layers
/// as the registry had them (compressed), which is what the classic <c>docker save</c> wrote beside its uncompressed
/// <c>layer.tar</c> files.
/// </para>
/// </summary>
public sealed class DockerTarWriter(WriterOptions options) : IImageWriter
{
    public WriterOptions Options { get; } = options;

    public Task WriteAsync(ImageSet set, IBlobReader blobs, CancellationToken cancellationToken)
    {
        var images = CheckLayerCounts(set);
        var referrers = set.Entries.Where(ReferrerGraph.IsReferrer).ToList();
        var estimate = images.SelectMany(e => e.Image!.Blobs).DistinctBy(d => d.Digest).Sum(d => d.Size);
        if (Options.UncompressedLayers) estimate *= 2;
        return AtomicOutput.WriteFileAsync(Options, (stream, ct) => WriteToAsync(stream, images, referrers, blobs, ct),
            LayoutTar.EstimateSize(estimate, images.Sum(e => e.Image!.Manifest.Layers.Count + 2) + 6), cancellationToken);
    }

    /// <summary>Writes the tar to <paramref name="output"/> (which need not be seekable).</summary>
    public Task WriteToAsync(Stream output, ImageSet set, IBlobReader blobs, CancellationToken cancellationToken) =>
        WriteToAsync(output, CheckLayerCounts(set), set.Entries.Where(ReferrerGraph.IsReferrer).ToList(), blobs, cancellationToken);

    private async Task WriteToAsync(Stream output, IReadOnlyList<SetEntry> images, IReadOnlyList<SetEntry> referrers, IBlobReader blobs,
        CancellationToken cancellationToken)
    {
        var tar = new TarSink(output);
        if (Options.UncompressedLayers) await WriteUncompressedAsync(tar, images, blobs, cancellationToken).ConfigureAwait(false);
        else await WriteCompressedAsync(tar, images, referrers, blobs, Options.Arrivals, !Options.IsStandardOutput, Options.BlobWritten, cancellationToken).ConfigureAwait(false);
        await tar.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every entry must be an image with one diff_id per layer, or load would fail; the entries, checked. Referrers
    /// (signatures, SBOMs of the images) are left to the OCI part.
    /// </summary>
    public static IReadOnlyList<SetEntry> CheckLayerCounts(ImageSet set)
    {
        var images = ReferrerGraph.Subjects(set);
        foreach (var entry in images)
        {
            var image = DockerArchiveManifest.ImageOf(entry);
            ManifestParser.CheckConsistent(image.Manifest, image.Config);
        }
        return images;
    }

    private static Task WriteCompressedAsync(TarSink tar, IReadOnlyList<SetEntry> images, IReadOnlyList<SetEntry> referrers, IBlobReader blobs,
        BlobArrivals? arrivals, bool followDownloads, Action<Digest>? written, CancellationToken cancellationToken)
    {
        var content = OciLayoutContent.Build(new ImageSet([.. images, .. referrers]));
        var manifest = DockerArchiveManifest.Build(images, (image, i) => LayoutBlob.PathOf(image.Manifest.Layers[i].Digest));
        return LayoutTar.WriteAsync(tar, content, ExtraFiles(manifest, DockerArchiveManifest.BuildRepositories(images)), blobs, cancellationToken, arrivals, followDownloads, written);
    }

    private async Task WriteUncompressedAsync(TarSink tar, IReadOnlyList<SetEntry> entries, IBlobReader blobs, CancellationToken cancellationToken)
    {
        var images = entries.Select(e => e.Image!).ToList();
        var configs = images.Select(i => new LayoutBlob(i.Manifest.Config.Digest, i.Manifest.Config.Size, i.ConfigBytes))
            .DistinctBy(b => b.Digest).ToList();
        foreach (var entry in entries) BlobVerifier.Check(entry.Image!.Manifest.Config, entry.Image.ConfigBytes.Span, $"the config of {entry.DisplayName}");
        var layers = images.SelectMany(image => image.Manifest.Layers.Select((layer, i) => (Layer: layer, DiffId: image.Config.DiffIds[i], Index: i)))
            .DistinctBy(l => l.DiffId).ToList();

        var directories = configs.Select(c => c.Digest).Concat(layers.Select(l => l.DiffId))
            .Select(LayoutBlob.DirectoryOf).Distinct().Order(StringComparer.Ordinal);
        await tar.AddDirectoryAsync("blobs/", cancellationToken).ConfigureAwait(false);
        foreach (var directory in directories) await tar.AddDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);

        var manifest = DockerArchiveManifest.Build(entries, (image, i) => LayoutBlob.PathOf(image.Config.DiffIds[i]));
        foreach (var (name, bytes) in ExtraFiles(manifest, DockerArchiveManifest.BuildRepositories(entries)))
            await tar.AddFileAsync(name, bytes, cancellationToken).ConfigureAwait(false);
        foreach (var config in configs) await LayoutTar.AddBlobAsync(tar, config, blobs, cancellationToken).ConfigureAwait(false);

        var tempDirectory = Options.TempDirectory ?? Path.GetTempPath();
        foreach (var (layer, diffId, index) in layers)
        {
            using var staged = await StagedLayer.CreateAsync(blobs, layer, diffId, index, tempDirectory, cancellationToken).ConfigureAwait(false);
            await using var stream = staged.OpenRead();
            await tar.AddFileAsync(LayoutBlob.PathOf(diffId), stream, staged.Size, cancellationToken).ConfigureAwait(false);
        }
    }

    private static List<(string, ReadOnlyMemory<byte>)> ExtraFiles(byte[] manifest, byte[]? repositories)
    {
        var files = new List<(string, ReadOnlyMemory<byte>)> { (DockerArchiveManifest.ManifestFileName, manifest) };
        if (repositories is not null) files.Add((DockerArchiveManifest.RepositoriesFileName, repositories));
        return files;
    }
}
