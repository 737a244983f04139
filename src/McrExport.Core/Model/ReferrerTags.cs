namespace McrExport.Model;

/// <summary>
/// The tags referrers go by where a registry has no referrers API: the referrers tag schema's index
/// (<c>sha256-&lt;hex&gt;</c>, OCI distribution-spec 1.1) and cosign's <c>sha256-&lt;hex&gt;.sig</c>, <c>.att</c>
/// and <c>.sbom</c>.
/// </summary>
public static class ReferrerTags
{
    /// <summary>
    /// The annotation that keeps a cosign-style referrer's tag on its <c>index.json</c> descriptor. Not
    /// <c>org.opencontainers.image.ref.name</c>: <c>ctr images import</c> takes every entry so named for an image and
    /// fails to unpack a signature's JSON blob as a layer.
    /// </summary>
    public const string CosignTagAnnotation = "mcr-export.cosign.tag";

    /// <summary>The suffixes of cosign's tags: signatures, attestations, SBOMs.</summary>
    public static readonly IReadOnlyList<string> CosignSuffixes = ["sig", "att", "sbom"];

    /// <summary>The cosign-style tag for <paramref name="subject"/>: <c>sha256-&lt;hex&gt;.&lt;suffix&gt;</c>.</summary>
    public static string CosignTag(Digest subject, string suffix) => $"{subject.Algorithm}-{subject.Encoded}.{suffix}";

    /// <summary>The referrers tag schema's tag for <paramref name="subject"/>: <c>sha256-&lt;hex&gt;</c>.</summary>
    public static string FallbackTag(Digest subject) => $"{subject.Algorithm}-{subject.Encoded}";

    /// <summary>The subject a cosign-style tag names (<c>sha256-&lt;hex&gt;.sig</c> → <c>sha256:&lt;hex&gt;</c>); null when it is not one.</summary>
    public static Digest? SubjectOfCosignTag(string? tag)
    {
        if (tag is null) return null;
        var dot = tag.LastIndexOf('.');
        if (dot < 0 || !CosignSuffixes.Contains(tag[(dot + 1)..])) return null;
        var dash = tag.IndexOf('-');
        if (dash <= 0 || dash > dot) return null;
        return Digest.TryParse($"{tag[..dash]}:{tag[(dash + 1)..dot]}", out var digest) ? digest : null;
    }
}
