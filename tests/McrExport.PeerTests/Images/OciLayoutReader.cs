using System.Text.Json.Nodes;
using McrExport.Model;

namespace McrExport.PeerTests.Images;

/// <summary>Reads the top-level descriptors of an OCI image layout folder.</summary>
public sealed class OciLayoutReader(string root)
{
    public string Root => root;

    public JsonArray Manifests => JsonNode.Parse(File.ReadAllBytes(Path.Combine(root, "index.json")))!["manifests"]!.AsArray();

    public JsonNode Single => Manifests.Single()!;

    /// <summary>The <c>org.opencontainers.image.ref.name</c> of the only image.</summary>
    public string RefName => (string?)Single["annotations"]?["org.opencontainers.image.ref.name"]
        ?? throw new InvalidOperationException("index.json names no org.opencontainers.image.ref.name");

    public Digest Digest => Digest.Parse((string?)Single["digest"]);

    public byte[] Blob(Digest digest) => File.ReadAllBytes(Path.Combine(root, "blobs", digest.Algorithm, digest.Encoded));
}
