namespace McrExport.Model;

/// <summary>The artifact types that travel with images, and how they are named in reports.</summary>
public static class ReferrerKinds
{
    public const string NotarySignature = "application/vnd.cncf.notary.signature";
    public const string SpdxJson = "application/spdx+json";
    public const string CycloneDxJson = "application/vnd.cyclonedx+json";
    public const string InToto = "application/vnd.in-toto+json";
    public const string CosignSimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string SigstoreBundle = "application/vnd.dev.sigstore.bundle.v0.3+json";
    public const string EmptyConfig = "application/vnd.oci.empty.v1+json";

    /// <summary><c>artifactType</c> of the manifest, else of its listing descriptor, else the config's media type.</summary>
    public static string ArtifactTypeOf(ImageManifest manifest, Descriptor? listing = null) =>
        manifest.ArtifactType ?? listing?.ArtifactType ?? manifest.Config.MediaType;

    /// <summary>"Notary signature", "SPDX SBOM", …; cosign's tags name theirs; anything else is named by its type.</summary>
    public static string Describe(string artifactType, string? cosignTag = null)
    {
        if (cosignTag is not null)
        {
            if (cosignTag.EndsWith(".sig", StringComparison.Ordinal)) return "cosign signature";
            if (cosignTag.EndsWith(".att", StringComparison.Ordinal)) return "cosign attestation";
            if (cosignTag.EndsWith(".sbom", StringComparison.Ordinal)) return "cosign SBOM";
        }
        return artifactType switch
        {
            NotarySignature => "Notary signature",
            SpdxJson or "text/spdx" or "application/vnd.spdx+json" => "SPDX SBOM",
            CycloneDxJson or "application/vnd.cyclonedx+xml" => "CycloneDX SBOM",
            InToto => "in-toto attestation",
            CosignSimpleSigning or SigstoreBundle => "Sigstore signature",
            _ when artifactType.StartsWith("application/vnd.dev.sigstore", StringComparison.Ordinal) => "Sigstore artifact",
            _ => artifactType,
        };
    }

    /// <summary>"1 Notary signature, 1 SPDX SBOM": the kinds counted, in ordinal order of their names (stable whatever order a registry lists them in).</summary>
    public static string Summarize(IEnumerable<string> kinds)
    {
        var counts = kinds.GroupBy(k => k, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}{(g.Count() > 1 && !g.Key.Contains('/') && !g.Key.EndsWith('s') ? "s" : "")}");
        return string.Join(", ", counts);
    }
}
