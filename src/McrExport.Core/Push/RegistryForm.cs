using System.IO.Compression;
using System.Security.Cryptography;
using McrExport.Content;
using McrExport.Model;

namespace McrExport.Push;

/// <summary>
/// The form a registry takes an image from a classic archive in (which has no registry manifest): a Docker schema2
/// manifest over the same config, so the image ID is unchanged, with each plain-tar layer gzip-compressed as
/// <c>docker push</c> and skopeo do (<c>…rootfs.diff.tar.gzip</c>), or kept as <c>…rootfs.diff.tar</c> when
/// <c>compress</c> is false. Layers that are compressed already keep their bytes; foreign layers keep their
/// descriptor. Images with a registry manifest pass unchanged.
/// </summary>
public static class RegistryForm
{
    public static async Task<(ImageSet Set, StagedBlobs Blobs)> PrepareAsync(ImageSet set, IBlobReader blobs, bool compress, string stagingRoot,
        Action<string>? log, CancellationToken cancellationToken)
    {
        var staged = new StagedBlobs(blobs, Path.Combine(stagingRoot, $".mcr-export-{Guid.NewGuid():N}.tmp"));
        try
        {
            await Verify.SynthesizedLayers.CheckAsync(set, staged, cancellationToken).ConfigureAwait(false);
            var converted = new Dictionary<Digest, Image>();
            foreach (var image in set.Images.Where(i => i.Synthesized))
                converted[image.Digest] = await ConvertAsync(image, staged, compress, log, cancellationToken).ConfigureAwait(false);
            if (converted.Count == 0) return (set, staged);
            var entries = set.Entries.Select(e => e.Node is Image i && converted.TryGetValue(i.Digest, out var c) ? e with { Node = c } : e).ToList();
            return (new ImageSet(entries), staged);
        }
        catch
        {
            staged.Dispose();
            throw;
        }
    }

    private static async Task<Image> ConvertAsync(Image image, StagedBlobs staged, bool compress, Action<string>? log, CancellationToken cancellationToken)
    {
        var zstd = image.Manifest.Layers.Any(l => !l.IsForeign && MediaTypes.CompressionOf(l.MediaType) == LayerCompression.Zstd);
        var layers = new List<Descriptor>();
        foreach (var layer in image.Manifest.Layers)
        {
            if (layer.IsForeign)
            {
                layers.Add(zstd ? layer : layer with { MediaType = MediaTypes.DockerForeignLayerGzip });
                continue;
            }
            var compression = MediaTypes.CompressionOf(layer.MediaType);
            if (compression != LayerCompression.None || !compress)
            {
                layers.Add(zstd ? layer : layer with { MediaType = compression == LayerCompression.Gzip ? MediaTypes.DockerLayerGzip : MediaTypes.DockerLayer });
                continue;
            }
            var gzipped = await CompressAsync(staged, layer, cancellationToken).ConfigureAwait(false);
            log?.Invoke($"compressed {layer.Digest.Short} {DiskErrors.FormatSize(layer.Size)} → {gzipped.Digest.Short} {DiskErrors.FormatSize(gzipped.Size)}");
            layers.Add(zstd ? gzipped with { MediaType = MediaTypes.OciLayerGzip } : gzipped);
        }
        var config = new Descriptor(zstd ? MediaTypes.OciConfig : MediaTypes.DockerConfig, image.Manifest.Config.Digest, image.Manifest.Config.Size);
        var (descriptor, bytes, manifest) = ManifestDocument.Create(zstd ? MediaTypes.OciManifest : MediaTypes.DockerManifest, config, layers);
        return image with
        {
            Descriptor = descriptor with { Platform = image.Descriptor.Platform, Annotations = image.Descriptor.Annotations },
            Bytes = bytes,
            Manifest = manifest,
        };
    }

    /// <summary>Gzips one layer into the staging folder, hashing the result on the way.</summary>
    private static async Task<Descriptor> CompressAsync(StagedBlobs staged, Descriptor layer, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(staged.Directory);
        var path = Path.Combine(staged.Directory, layer.Digest.Encoded + ".gz");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size;
        await using (var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
        {
            await using (var hashing = new HashingWriteStream(output, hash))
            await using (var gzip = new GZipStream(hashing, CompressionLevel.Fastest, leaveOpen: true))
            await using (var input = staged.OpenRead(layer.Digest))
                await input.CopyToAsync(gzip, 1 << 20, cancellationToken).ConfigureAwait(false);
            size = output.Length;
        }
        var digest = Digest.FromHash(Digest.Sha256, hash.GetHashAndReset());
        staged.Add(digest, path);
        return new Descriptor(MediaTypes.DockerLayerGzip, digest, size);
    }

    /// <summary>Passes writes on and hashes them.</summary>
    private sealed class HashingWriteStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
