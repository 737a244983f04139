namespace McrExport.Model;

/// <summary>An image manifest (OCI or Docker schema2): one config and the layers, bottom first.</summary>
public sealed record ImageManifest(string MediaType, Descriptor Config, IReadOnlyList<Descriptor> Layers)
{
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>OCI 1.1 <c>artifactType</c>: set on artifacts (signatures, SBOMs), not on images.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>OCI 1.1 <c>subject</c>: the manifest this one refers to (a signature's image).</summary>
    public Descriptor? Subject { get; init; }
}

/// <summary>An image index (OCI) or manifest list (Docker): one manifest per platform.</summary>
public sealed record ImageIndex(string MediaType, IReadOnlyList<Descriptor> Manifests);
