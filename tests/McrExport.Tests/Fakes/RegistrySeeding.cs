using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>Puts test images into a <see cref="FakeRegistry"/>.</summary>
public static class RegistrySeeding
{
    /// <summary>Stores the config, the non-foreign layers (foreign ones are marked so) and the manifest.</summary>
    public static Digest Push(this FakeRegistry registry, string repository, string? tag, TestImage image)
    {
        registry.AddBlob(image.ConfigBytes, repository);
        foreach (var layer in image.Layers)
        {
            if (layer.IsForeign) registry.MarkForeign(layer.Digest);
            else registry.AddBlob(layer.Bytes, repository);
        }
        return registry.AddManifest(repository, tag, image.ManifestBytes, image.ManifestMediaType);
    }

    /// <summary>Pushes every image of <paramref name="index"/> by digest, then the index under <paramref name="tag"/>.</summary>
    public static Digest Push(this FakeRegistry registry, string repository, string? tag, TestIndex index)
    {
        foreach (var image in index.Images) registry.Push(repository, null, image);
        return registry.AddManifest(repository, tag, index.Bytes, index.MediaType);
    }
}
