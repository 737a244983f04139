using McrExport.Model;

namespace McrExport.Archive;

/// <summary>One image of an archive: the manifest (its bytes as stored) and its config.</summary>
public sealed record ArchivedImage(
    Descriptor ManifestDescriptor,
    byte[] ManifestBytes,
    ImageManifest Manifest,
    byte[] ConfigBytes,
    ImageConfig Config)
{
    /// <summary>The platform from the descriptor when it has one, else the config's.</summary>
    public Platform Platform => ManifestDescriptor.Platform is { Os.Length: > 0 } p ? p : Config.Platform;

    /// <summary>Config and layers: what the image takes once pulled.</summary>
    public long Size => Manifest.Config.Size + Manifest.Layers.Sum(l => l.Size);
}
