using McrExport.Model;
using McrExport.Output;
using McrExport.Registry;

namespace McrExport.Planning;

/// <summary>A blob to fetch and the sources to try, in order.</summary>
public sealed record PlannedBlob(Descriptor Descriptor, IReadOnlyList<BlobSource> Sources);

/// <summary>The images to write and every distinct layer they need (a layer shared by several images appears once).</summary>
public sealed record ExportPlan(IReadOnlyList<ExportImage> Images, IReadOnlyList<PlannedBlob> Blobs)
{
    public long TotalBytes => Blobs.Sum(b => b.Descriptor.Size);

    /// <summary>
    /// Plans the layers of resolved images. Ordinary layers come from the registry. Foreign layers are tried at the
    /// registry first, then at each of their <c>urls</c> in order (as Docker and go-containerregistry do).
    /// </summary>
    public static ExportPlan Create(IReadOnlyList<(ExportImage Image, RegistryClient Client)> images)
    {
        var blobs = new Dictionary<Digest, PlannedBlob>();
        foreach (var (image, client) in images)
        foreach (var layer in image.Manifest.Layers)
        {
            if (blobs.ContainsKey(layer.Digest)) continue;
            var sources = new List<BlobSource> { new RegistryBlobSource(client, image.Reference.Repository) };
            if (layer.IsForeign && layer.Urls is { } urls) sources.AddRange(urls.Select(u => new UrlBlobSource(u)));
            blobs[layer.Digest] = new PlannedBlob(layer, sources);
        }
        return new ExportPlan(images.Select(i => i.Image).ToList(), blobs.Values.ToList());
    }
}
