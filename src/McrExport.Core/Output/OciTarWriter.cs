using McrExport.Content;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// Writes the images as an OCI image layout packed in one tar (to a file, atomically, or to standard output):
/// <c>blobs/</c>, <c>blobs/sha256/</c>, <c>oci-layout</c>, <c>index.json</c>, then every blob once.
/// Implements https://github.com/opencontainers/image-spec/blob/main/image-layout.md.
/// </summary>
public sealed class OciTarWriter(WriterOptions options) : IImageWriter
{
    public WriterOptions Options { get; } = options;

    public Task WriteAsync(ImageSet set, IBlobReader blobs, CancellationToken cancellationToken)
    {
        var content = OciLayoutContent.Build(set);
        return AtomicOutput.WriteFileAsync(Options, (stream, ct) => WriteToAsync(stream, content, blobs, ct, Options.Arrivals, !Options.IsStandardOutput, Options.BlobWritten),
            LayoutTar.EstimateSize(content.BlobBytes, content.Blobs.Count + 4), cancellationToken);
    }

    /// <summary>Writes the tar to <paramref name="output"/> (which need not be seekable).</summary>
    public static Task WriteToAsync(Stream output, ImageSet set, IBlobReader blobs, CancellationToken cancellationToken) =>
        WriteToAsync(output, OciLayoutContent.Build(set), blobs, cancellationToken);

    private static async Task WriteToAsync(Stream output, OciLayoutContent content, IBlobReader blobs, CancellationToken cancellationToken,
        BlobArrivals? arrivals = null, bool followDownloads = false, Action<Digest>? written = null)
    {
        var tar = new TarSink(output);
        await LayoutTar.WriteAsync(tar, content, [], blobs, cancellationToken, arrivals, followDownloads, written).ConfigureAwait(false);
        await tar.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
