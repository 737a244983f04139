using McrExport.Content;
using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Verify;

/// <summary>
/// The layers an archive without registry manifests keeps compressed (a crane tarball's <c>&lt;hex&gt;.tar.gz</c>):
/// their digest comes from the file name, so before they leave the archive each must decompress to its config's
/// diff_id, or the destination would hold an image no client can use. (Plain layers are named by their diff_id and
/// checked as they are read.)
/// </summary>
public static class SynthesizedLayers
{
    public static async Task CheckAsync(ImageSet set, IBlobReader blobs, CancellationToken cancellationToken)
    {
        var checkedLayers = new HashSet<(Digest, Digest)>();
        foreach (var image in set.Images.Where(i => i.Synthesized))
            for (var i = 0; i < image.Manifest.Layers.Count; i++)
                await CheckAsync(image, i, blobs, checkedLayers, cancellationToken).ConfigureAwait(false);
    }

    private static async Task CheckAsync(Image image, int index, IBlobReader blobs, HashSet<(Digest, Digest)> done, CancellationToken cancellationToken)
    {
        var layer = image.Manifest.Layers[index];
        var compression = MediaTypes.CompressionOf(layer.MediaType);
        if (layer.IsForeign || compression == LayerCompression.None || index >= image.Config.DiffIds.Count) return;
        var diffId = image.Config.DiffIds[index];
        if (!done.Add((layer.Digest, diffId))) return;
        await using var input = blobs.OpenRead(layer.Digest);
        var scan = await BlobScan.RunAsync(input, layer.Digest.Algorithm, compression, cancellationToken).ConfigureAwait(false);
        if (scan.DecompressError is { } error)
            throw new IntegrityException($"layer {index} ({layer.Digest.Short}) does not decompress: {error}; nothing was written or sent");
        if (scan.DiffId != diffId)
            throw new IntegrityException(
                $"layer {index} ({layer.Digest.Short}) decompresses to {scan.DiffId}, but the config's diff_id is {diffId}; nothing was written or sent");
    }
}
