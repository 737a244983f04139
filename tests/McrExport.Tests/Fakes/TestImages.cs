using System.Text.Json.Nodes;
using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>Deterministic builders for configs, manifests, indexes and whole test images.</summary>
public static class TestImages
{
    public const string InTotoMediaType = "application/vnd.in-toto+json";

    /// <summary>An image config: os, architecture, optional variant and os.version, rootfs.diff_ids.</summary>
    public static byte[] Config(Platform platform, IEnumerable<Digest> diffIds)
    {
        var node = new JsonObject { ["architecture"] = platform.Architecture, ["os"] = platform.Os };
        if (platform.OsVersion is not null) node["os.version"] = platform.OsVersion;
        if (platform.Variant is not null) node["variant"] = platform.Variant;
        node["created"] = Layer.FixedTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        node["config"] = new JsonObject();
        node["rootfs"] = new JsonObject
        {
            ["type"] = "layers",
            ["diff_ids"] = new JsonArray(diffIds.Select(d => (JsonNode?)JsonValue.Create(d.ToString())).ToArray()),
        };
        return TestJson.Bytes(node);
    }

    /// <summary>A schema2 or OCI image manifest.</summary>
    public static byte[] Manifest(string mediaType, Descriptor config, IEnumerable<Descriptor> layers,
        IReadOnlyDictionary<string, string>? annotations = null)
    {
        var node = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["config"] = TestJson.Descriptor(config),
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode?)TestJson.Descriptor(l)).ToArray()),
        };
        if (annotations is not null) node["annotations"] = TestJson.StringMap(annotations);
        return TestJson.Bytes(node);
    }

    /// <summary>A manifest list or OCI index of <paramref name="entries"/> (descriptors with platforms).</summary>
    public static byte[] Index(string mediaType, IEnumerable<Descriptor> entries) =>
        TestJson.Bytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["manifests"] = new JsonArray(entries.Select(e => (JsonNode?)TestJson.Descriptor(e)).ToArray()),
        });

    /// <summary>A whole image for <paramref name="platform"/> over <paramref name="layers"/>.</summary>
    public static TestImage Image(Platform platform, IReadOnlyList<Layer> layers, ManifestFormat format = ManifestFormat.Docker)
    {
        var config = Config(platform, layers.Select(l => l.DiffId));
        var configDescriptor = new Descriptor(format.ConfigMediaType(), Digest.Compute(config), config.Length);
        var manifest = Manifest(format.ManifestMediaType(), configDescriptor, layers.Select(l => l.Descriptor));
        return new TestImage(platform, config, format.ConfigMediaType(), manifest, format.ManifestMediaType(), layers);
    }

    /// <summary>A small Linux image with one layer holding a file named after <paramref name="name"/>.</summary>
    public static TestImage Small(string name, string architecture = "amd64", ManifestFormat format = ManifestFormat.Docker) =>
        Image(new Platform("linux", architecture),
            [Layer.FromFiles(format == ManifestFormat.Docker ? MediaTypes.DockerLayerGzip : MediaTypes.OciLayerGzip,
                LayerFile.Text($"etc/{name}", $"{name} {architecture}\n"))],
            format);

    /// <summary>A BuildKit-style attestation manifest for <paramref name="subject"/>: platform unknown/unknown.</summary>
    public static TestImage Attestation(TestImage subject)
    {
        var statement = TestJson.Bytes(new JsonObject
        {
            ["_type"] = "https://in-toto.io/Statement/v0.1",
            ["predicateType"] = "https://spdx.dev/Document",
            ["subject"] = new JsonArray(new JsonObject { ["digest"] = new JsonObject { ["sha256"] = subject.ManifestDigest.Encoded } }),
        });
        var digest = Digest.Compute(statement);
        var layer = new Layer(statement, digest, digest, InTotoMediaType);
        var platform = new Platform("unknown", "unknown");
        var image = Image(platform, [layer], ManifestFormat.Oci);
        return image with
        {
            EntryAnnotations = new Dictionary<string, string>
            {
                ["vnd.docker.reference.digest"] = subject.ManifestDigest.ToString(),
                ["vnd.docker.reference.type"] = "attestation-manifest",
            },
        };
    }

    /// <summary>An index (manifest list for Docker, OCI index for OCI) of <paramref name="images"/>.</summary>
    public static TestIndex IndexOf(ManifestFormat format, params TestImage[] images) =>
        new(Index(format.IndexMediaType(), images.Select(i => i.Descriptor)), format.IndexMediaType(), images);

    /// <summary>A schema1 document like distribution 2.x rewrites to (fsLayers, history, signatures).</summary>
    public static byte[] Schema1(string repository, string tag, TestImage image) =>
        TestJson.Bytes(new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = repository,
            ["tag"] = tag,
            ["architecture"] = image.Platform.Architecture,
            ["fsLayers"] = new JsonArray(image.Layers.Reverse().Select(l => (JsonNode?)new JsonObject { ["blobSum"] = l.Digest.ToString() }).ToArray()),
            ["history"] = new JsonArray(image.Layers.Select(_ => (JsonNode?)new JsonObject { ["v1Compatibility"] = "{}" }).ToArray()),
            ["signatures"] = new JsonArray(new JsonObject
            {
                ["header"] = new JsonObject { ["alg"] = "ES256" },
                ["signature"] = "c2lnbmF0dXJl",
                ["protected"] = "cHJvdGVjdGVk",
            }),
        });
}
