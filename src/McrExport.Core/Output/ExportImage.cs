using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// One resolved image, ready to be written: what every writer consumes. The manifest and config bytes are exactly
/// the registry's (or a converter's) bytes, so digests are preserved. Layer bytes are read from an
/// <see cref="Content.IBlobReader"/> by digest.
/// </summary>
/// <param name="Reference">the reference the user asked for (names and tags in the output come from it).</param>
/// <param name="ManifestDescriptor">media type, digest and size of <paramref name="ManifestBytes"/>, with the platform.</param>
public sealed record ExportImage(
    ImageReference Reference,
    Descriptor ManifestDescriptor,
    ReadOnlyMemory<byte> ManifestBytes,
    ImageManifest Manifest,
    ReadOnlyMemory<byte> ConfigBytes,
    ImageConfig Config)
{
    /// <summary>Every blob the image needs besides the manifest: the config, then the layers in order.</summary>
    public IEnumerable<Descriptor> Blobs => Manifest.Layers.Prepend(Manifest.Config);
}
