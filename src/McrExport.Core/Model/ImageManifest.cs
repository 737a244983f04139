namespace McrExport.Model;

/// <summary>An image manifest (OCI or Docker schema2): one config and the layers, bottom first.</summary>
public sealed record ImageManifest(string MediaType, Descriptor Config, IReadOnlyList<Descriptor> Layers)
{
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>OCI 1.1: the artifact's type (a signature, an SBOM), when the manifest says so.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>OCI 1.1: the manifest this one refers to (a signature's signed image).</summary>
    public Descriptor? Subject { get; init; }
}

/// <summary>An image index (OCI) or manifest list (Docker): one manifest per platform.</summary>
public sealed record ImageIndex(string MediaType, IReadOnlyList<Descriptor> Manifests);
