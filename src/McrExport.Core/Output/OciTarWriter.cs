using McrExport.Content;

namespace McrExport.Output;

/// <summary>
/// Writes the images as an OCI image layout packed in one tar (to a file, atomically, or to standard output):
/// <c>blobs/</c>, <c>blobs/sha256/</c>, <c>oci-layout</c>, <c>index.json</c>, then every blob once.
/// Implements https://github.com/opencontainers/image-spec/blob/main/image-layout.md.
/// </summary>
public sealed class OciTarWriter(WriterOptions options) : IImageWriter
{
    public WriterOptions Options { get; } = options;

    public Task WriteAsync(IReadOnlyList<ExportImage> images, IBlobReader blobs, CancellationToken cancellationToken)
    {
        var content = OciLayoutContent.Build(images, Options.Indexes);
        return AtomicOutput.WriteFileAsync(Options, (stream, ct) => WriteToAsync(stream, content, blobs, ct, Options.Arrivals),
            LayoutTar.EstimateSize(content.BlobBytes, content.Blobs.Count + 4), cancellationToken);
    }

    /// <summary>Writes the tar to <paramref name="output"/> (which need not be seekable).</summary>
    public static Task WriteToAsync(Stream output, IReadOnlyList<ExportImage> images, IBlobReader blobs, CancellationToken cancellationToken) =>
        WriteToAsync(output, OciLayoutContent.Build(images), blobs, cancellationToken);

    private static async Task WriteToAsync(Stream output, OciLayoutContent content, IBlobReader blobs, CancellationToken cancellationToken,
        BlobArrivals? arrivals = null)
    {
        var tar = new TarSink(output);
        await LayoutTar.WriteAsync(tar, content, [], blobs, cancellationToken, arrivals).ConfigureAwait(false);
        await tar.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
