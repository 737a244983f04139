using System.Text.Json.Nodes;
using McrExport.Model;

namespace McrExport.PeerTests.Images;

/// <summary>Writes test images into an OCI image layout folder, each tagged by an <c>org.opencontainers.image.ref.name</c>.</summary>
public sealed class OciLayoutWriter
{
    private readonly string _root;
    private readonly JsonArray _manifests = [];

    public OciLayoutWriter(string root)
    {
        _root = root;
        Directory.CreateDirectory(Path.Combine(root, "blobs", "sha256"));
        File.WriteAllText(Path.Combine(root, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        Save();
    }

    public string Root => _root;

    /// <summary>Adds an image; foreign layers' bytes are left out, as a registry would not hold them.</summary>
    public void Add(TestImage image, string tag)
    {
        WriteImageBlobs(image);
        AddReference(image.ManifestMediaType, image.ManifestDigest, image.ManifestBytes.Length, tag);
    }

    public void Add(TestIndex index, string tag)
    {
        foreach (var image in index.Images) WriteImageBlobs(image);
        WriteBlob(index.Digest, index.Bytes);
        AddReference(index.MediaType, index.Digest, index.Bytes.Length, tag);
    }

    private void WriteImageBlobs(TestImage image)
    {
        WriteBlob(image.ConfigDigest, image.ConfigBytes);
        foreach (var layer in image.Layers.Where(layer => layer.Urls is null)) WriteBlob(layer.Digest, layer.Blob);
        WriteBlob(image.ManifestDigest, image.ManifestBytes);
    }

    private void WriteBlob(Digest digest, byte[] bytes) =>
        File.WriteAllBytes(Path.Combine(_root, "blobs", digest.Algorithm, digest.Encoded), bytes);

    private void AddReference(string mediaType, Digest digest, long size, string tag)
    {
        _manifests.Add(new JsonObject
        {
            ["mediaType"] = mediaType,
            ["digest"] = digest.ToString(),
            ["size"] = size,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag },
        });
        Save();
    }

    private void Save() => File.WriteAllText(Path.Combine(_root, "index.json"), new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = MediaTypes.OciIndex,
        ["manifests"] = _manifests.DeepClone(),
    }.ToJsonString());
}
