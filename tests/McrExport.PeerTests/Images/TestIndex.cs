using System.Text;
using System.Text.Json.Nodes;
using McrExport.Model;

namespace McrExport.PeerTests.Images;

/// <summary>A multi-platform image: an index (OCI or Docker manifest list) over several <see cref="TestImage"/>s.</summary>
public sealed class TestIndex
{
    public TestIndex(IReadOnlyList<TestImage> images, bool dockerMediaTypes)
    {
        Images = images;
        MediaType = dockerMediaTypes ? MediaTypes.DockerManifestList : MediaTypes.OciIndex;
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaType,
            ["manifests"] = new JsonArray(images.Select(image => (JsonNode?)new JsonObject
            {
                ["mediaType"] = image.ManifestMediaType,
                ["digest"] = image.ManifestDigest.ToString(),
                ["size"] = image.ManifestBytes.Length,
                ["platform"] = image.PlatformJson(),
            }).ToArray()),
        };
        Bytes = Encoding.UTF8.GetBytes(index.ToJsonString());
        Digest = Digest.Compute(Bytes);
    }

    public IReadOnlyList<TestImage> Images { get; }

    public string MediaType { get; }

    public byte[] Bytes { get; }

    public Digest Digest { get; }
}
