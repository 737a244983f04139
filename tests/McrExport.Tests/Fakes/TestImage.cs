using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>A single-platform test image: config and manifest bytes with their digests, and its layers.</summary>
public sealed record TestImage(
    Platform Platform,
    byte[] ConfigBytes,
    string ConfigMediaType,
    byte[] ManifestBytes,
    string ManifestMediaType,
    IReadOnlyList<Layer> Layers)
{
    public Digest ConfigDigest => Digest.Compute(ConfigBytes);

    public Digest ManifestDigest => Digest.Compute(ManifestBytes);

    public Descriptor ConfigDescriptor => new(ConfigMediaType, ConfigDigest, ConfigBytes.Length);

    /// <summary>Annotations for this image's entry in an index.</summary>
    public IReadOnlyDictionary<string, string>? EntryAnnotations { get; init; }

    /// <summary>The entry for an index: media type, digest, size, platform (and annotations).</summary>
    public Descriptor Descriptor => new(ManifestMediaType, ManifestDigest, ManifestBytes.Length)
    {
        Platform = Platform,
        Annotations = EntryAnnotations,
    };

    public IReadOnlyList<Digest> DiffIds => Layers.Select(l => l.DiffId).ToList();
}
