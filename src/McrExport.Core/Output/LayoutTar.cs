using McrExport.Content;

namespace McrExport.Output;

/// <summary>Writes an <see cref="OciLayoutContent"/> (plus extra top-level files) into a <see cref="TarSink"/>.</summary>
internal static class LayoutTar
{
    /// <summary>
    /// Entry order: <c>blobs/</c> and <c>blobs/&lt;alg&gt;/</c>, <c>oci-layout</c>, <c>index.json</c>, the extra files,
    /// then the blobs. With <paramref name="arrivals"/> (one pass, while the transfer runs): the folders,
    /// <c>oci-layout</c>, the blobs held in memory (manifests, configs), then each other blob as it arrives verified in
    /// the store (or, with <paramref name="followDownloads"/>, streamed in while it downloads: <see cref="OnePassTar"/>),
    /// and <c>index.json</c> and the extra files (<c>manifest.json</c>, <c>repositories</c>) last.
    /// </summary>
    public static async Task WriteAsync(TarSink tar, OciLayoutContent content, IReadOnlyList<(string Name, ReadOnlyMemory<byte> Bytes)> extraFiles,
        IBlobReader blobs, CancellationToken cancellationToken, BlobArrivals? arrivals = null, bool followDownloads = false,
        Action<McrExport.Model.Digest>? written = null)
    {
        foreach (var directory in content.Directories) await tar.AddDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
        await tar.AddFileAsync(OciLayoutContent.LayoutFileName, content.LayoutFile, cancellationToken).ConfigureAwait(false);
        if (arrivals is null)
        {
            await tar.AddFileAsync(OciLayoutContent.IndexFileName, content.IndexFile, cancellationToken).ConfigureAwait(false);
            foreach (var (name, bytes) in extraFiles) await tar.AddFileAsync(name, bytes, cancellationToken).ConfigureAwait(false);
            foreach (var blob in content.Blobs) await AddBlobAsync(tar, blob, blobs, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var blob in content.Blobs.Where(b => b.Bytes is not null)) await AddBlobAsync(tar, blob, blobs, cancellationToken).ConfigureAwait(false);
        await OnePassTar.WriteBlobsAsync(tar, content.Blobs.Where(b => b.Bytes is null).ToList(), blobs, arrivals, followDownloads, written, cancellationToken)
            .ConfigureAwait(false);
        await tar.AddFileAsync(OciLayoutContent.IndexFileName, content.IndexFile, cancellationToken).ConfigureAwait(false);
        foreach (var (name, bytes) in extraFiles) await tar.AddFileAsync(name, bytes, cancellationToken).ConfigureAwait(false);
    }

    public static async Task AddBlobAsync(TarSink tar, LayoutBlob blob, IBlobReader blobs, CancellationToken cancellationToken)
    {
        if (blob.Bytes is { } bytes)
        {
            await tar.AddFileAsync(blob.Path, bytes, cancellationToken).ConfigureAwait(false);
            return;
        }
        await using var stream = blobs.OpenRead(blob.Digest);
        await tar.AddFileAsync(blob.Path, stream, blob.Size, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>About how many bytes a tar of these files takes (headers and padding included).</summary>
    public static long EstimateSize(long contentBytes, int entries) => contentBytes + entries * 2L * TarSink.BlockSize + 2 * TarSink.BlockSize;
}
