namespace McrExport.Verify;

/// <summary>One artifact (signature, SBOM, attestation) as <c>verify</c> reports it: its type, digest, what it refers to.</summary>
public sealed record VerifiedArtifact(string ArtifactType, string Digest, string? Subject, int Blobs, long Size)
{
    /// <summary>What a person calls it ("Notary signature", "cosign signature"), when it travels with a manifest of the archive.</summary>
    public string? Kind { get; init; }
}
