using System.Text;
using System.Text.Json.Nodes;
using McrExport.Model;
using McrExport.Tests.Fakes;

namespace McrExport.Tests.Media;

/// <summary>An artifact manifest made by the tests, its blobs, and the descriptor that lists it for its subject.</summary>
public sealed record TestArtifact(byte[] ManifestBytes, IReadOnlyList<byte[]> Blobs, string ArtifactType, Digest? Subject, string? Tag = null)
{
    public Digest Digest => Digest.Compute(ManifestBytes);

    /// <summary>The referrers-index entry: mediaType, digest, size, artifactType (and the manifest's annotations).</summary>
    public JsonObject Listing()
    {
        var node = new JsonObject
        {
            ["mediaType"] = MediaTypes.OciManifest,
            ["digest"] = Digest.ToString(),
            ["size"] = ManifestBytes.Length,
            ["artifactType"] = ArtifactType,
        };
        if (JsonNode.Parse(ManifestBytes)!["annotations"] is JsonObject annotations) node["annotations"] = annotations.DeepClone();
        return node;
    }
}

/// <summary>
/// Referrer artifacts as the specs shape them: a Notary Project signature (OCI 1.1 form: artifactType
/// <c>application/vnd.cncf.notary.signature</c>, the empty config, one <c>application/jose+json</c> envelope layer,
/// <c>subject</c>), an SPDX SBOM artifact (<c>application/spdx+json</c>), a cosign signature (a manifest with an image
/// config and one <c>simplesigning</c> layer, tagged <c>sha256-&lt;hex&gt;.sig</c>, no subject), and the referrers tag
/// schema's index (tag <c>sha256-&lt;hex&gt;</c>) that lists referrers of a subject.
/// </summary>
public static class TestArtifacts
{
    public static readonly byte[] EmptyConfig = "{}"u8.ToArray();

    public static JsonObject EmptyDescriptor() => new()
    {
        ["mediaType"] = ReferrerKinds.EmptyConfig,
        ["digest"] = Digest.Compute(EmptyConfig).ToString(),
        ["size"] = 2,
    };

    private static JsonObject Blob(string mediaType, byte[] bytes, JsonObject? annotations = null)
    {
        var node = new JsonObject { ["mediaType"] = mediaType, ["digest"] = Digest.Compute(bytes).ToString(), ["size"] = bytes.Length };
        if (annotations is not null) node["annotations"] = annotations;
        return node;
    }

    private static JsonObject Subject(string mediaType, Digest digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest.ToString(), ["size"] = size };

    public static TestArtifact NotarySignature(string subjectMediaType, Digest subject, long subjectSize, string seed = "image")
    {
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{{\"targetArtifact\":{{\"mediaType\":\"{subjectMediaType}\",\"digest\":\"{subject}\",\"size\":{subjectSize}}}}}"));
        var envelope = Encoding.UTF8.GetBytes(
            $"{{\"payload\":\"{payload}\",\"protected\":\"eyJhbGciOiJQUzI1NiJ9\",\"header\":{{\"x5c\":[\"{seed}\"]}},\"signature\":\"c2lnbmF0dXJl\"}}");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["artifactType"] = ReferrerKinds.NotarySignature,
            ["config"] = EmptyDescriptor(),
            ["layers"] = new JsonArray(Blob("application/jose+json", envelope)),
            ["subject"] = Subject(subjectMediaType, subject, subjectSize),
            ["annotations"] = new JsonObject
            {
                ["io.cncf.notary.x509chain.thumbprint#S256"] = $"[\"{new string('a', 64)}\"]",
                ["org.opencontainers.image.created"] = "2026-01-01T00:00:00Z",
            },
        };
        return new TestArtifact(TestJson.Bytes(manifest), [EmptyConfig, envelope], ReferrerKinds.NotarySignature, subject);
    }

    public static TestArtifact SpdxSbom(string subjectMediaType, Digest subject, long subjectSize)
    {
        var sbom = Encoding.UTF8.GetBytes(
            "{\"spdxVersion\":\"SPDX-2.3\",\"dataLicense\":\"CC0-1.0\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"name\":\"test image\",\"packages\":[{\"name\":\"busybox\",\"SPDXID\":\"SPDXRef-busybox\",\"versionInfo\":\"1.36\"}]}");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["artifactType"] = ReferrerKinds.SpdxJson,
            ["config"] = EmptyDescriptor(),
            ["layers"] = new JsonArray(Blob(ReferrerKinds.SpdxJson, sbom, new JsonObject { ["org.opencontainers.image.title"] = "sbom.spdx.json" })),
            ["subject"] = Subject(subjectMediaType, subject, subjectSize),
        };
        return new TestArtifact(TestJson.Bytes(manifest), [EmptyConfig, sbom], ReferrerKinds.SpdxJson, subject);
    }

    public static TestArtifact CosignSignature(Digest subject, string repository)
    {
        var payload = Encoding.UTF8.GetBytes(
            $"{{\"critical\":{{\"identity\":{{\"docker-reference\":\"{repository}\"}},\"image\":{{\"docker-manifest-digest\":\"{subject}\"}},\"type\":\"cosign container image signature\"}},\"optional\":null}}");
        var config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{{\"created\":\"0001-01-01T00:00:00Z\"}}],\"os\":\"\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{Digest.Compute(payload)}\"]}},\"config\":{{}}}}");
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = Blob(MediaTypes.OciConfig, config),
            ["layers"] = new JsonArray(Blob(ReferrerKinds.CosignSimpleSigning, payload,
                new JsonObject { ["dev.cosignproject.cosign/signature"] = "MEUCIQDtestsignature" })),
        };
        return new TestArtifact(TestJson.Bytes(manifest), [config, payload], MediaTypes.OciConfig, null, ReferrerTags.CosignTag(subject, "sig"));
    }

    /// <summary>The referrers tag schema's index for a subject: an OCI index of the listing descriptors.</summary>
    public static byte[] TagSchemaIndex(params TestArtifact[] referrers) =>
        TestJson.Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(referrers.Select(r => (JsonNode?)r.Listing()).ToArray()),
        });
}
