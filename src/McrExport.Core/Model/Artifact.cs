namespace McrExport.Model;

/// <summary>
/// A manifest that is not a container image: an OCI 1.1 artifact (signature, SBOM; <c>artifactType</c>, often the
/// empty <c>{}</c> config) or a Docker attestation manifest. Its blobs are checked and carried; it has no rootfs.
/// </summary>
public sealed record Artifact(Descriptor Descriptor, ReadOnlyMemory<byte> Bytes, ImageManifest Manifest) : ManifestNode(Descriptor, Bytes)
{
    /// <summary><c>artifactType</c>, else the config's media type (the Notary v1.0.0 form).</summary>
    public string ArtifactType => Manifest.ArtifactType ?? Manifest.Config.MediaType;

    public Descriptor? Subject => Manifest.Subject;

    public override IEnumerable<Descriptor> Blobs => Manifest.Layers.Prepend(Manifest.Config);
}
