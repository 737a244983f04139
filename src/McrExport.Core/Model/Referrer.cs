namespace McrExport.Model;

/// <summary>
/// An artifact that travels with an image: a signature, an SBOM, an attestation. Either an OCI 1.1 referrer (its
/// manifest's <c>subject</c> is <see cref="Subject"/>) or a cosign-style one found by the tag
/// <c>sha256-&lt;hex&gt;.sig</c>, <c>.att</c> or <c>.sbom</c> (<see cref="Tag"/>). The manifest bytes are kept as
/// served, so its digest (which a signature of it may cover) is unchanged.
/// </summary>
/// <param name="Subject">the digest of the manifest it refers to.</param>
/// <param name="Descriptor">media type, digest and size of <paramref name="ManifestBytes"/>, with its artifactType and annotations.</param>
/// <param name="Tag">the cosign-style tag it was found by; null for a referrer found by its subject.</param>
public sealed record Referrer(Digest Subject, Descriptor Descriptor, ReadOnlyMemory<byte> ManifestBytes, ImageManifest Manifest, string? Tag)
{
    /// <summary>The artifact's type: <c>artifactType</c>, else the config's media type (the Notary v1.0 form).</summary>
    public string ArtifactType => ReferrerKinds.ArtifactTypeOf(Manifest, Descriptor);

    /// <summary>What a person calls it: "Notary signature", "SPDX SBOM", "cosign signature", …</summary>
    public string Kind => ReferrerKinds.Describe(ArtifactType, Tag);

    /// <summary>The blobs the manifest needs: its config, then its layers.</summary>
    public IEnumerable<Descriptor> Blobs => Manifest.Layers.Prepend(Manifest.Config);

    /// <summary>The descriptor that lists it in a referrers index or <c>index.json</c>: artifactType and annotations.</summary>
    public Descriptor ListingDescriptor => new(Descriptor.MediaType, Descriptor.Digest, Descriptor.Size)
    {
        ArtifactType = ArtifactType,
        Annotations = Manifest.Annotations is { Count: > 0 } a ? a : null,
    };

    /// <summary>The cosign-style tag for <paramref name="subject"/>: <c>sha256-&lt;hex&gt;.&lt;suffix&gt;</c>.</summary>
    public static string CosignTag(Digest subject, string suffix) => $"{subject.Algorithm}-{subject.Encoded}.{suffix}";

    /// <summary>The referrers tag schema's tag for <paramref name="subject"/>: <c>sha256-&lt;hex&gt;</c>.</summary>
    public static string FallbackTag(Digest subject) => $"{subject.Algorithm}-{subject.Encoded}";

    /// <summary>The suffixes of cosign's tags: signatures, attestations, SBOMs.</summary>
    public static readonly IReadOnlyList<string> CosignSuffixes = ["sig", "att", "sbom"];

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
