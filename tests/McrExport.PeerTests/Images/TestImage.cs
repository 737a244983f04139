using System.Text;
using System.Text.Json.Nodes;
using McrExport.Model;

namespace McrExport.PeerTests.Images;

/// <summary>A single-platform image made in memory: config, layers and manifest bytes, in Docker or OCI media types.</summary>
public sealed class TestImage
{
    public TestImage(string os, string architecture, IReadOnlyList<LayerBlob> layers, bool dockerMediaTypes,
        IReadOnlyList<string>? cmd = null, string? osVersion = null, string? variant = null)
    {
        Os = os;
        Architecture = architecture;
        OsVersion = osVersion;
        Variant = variant;
        Layers = layers;
        DockerMediaTypes = dockerMediaTypes;
        ConfigBytes = BuildConfig(cmd);
        ConfigDigest = Digest.Compute(ConfigBytes);
        ManifestBytes = BuildManifest();
        ManifestDigest = Digest.Compute(ManifestBytes);
    }

    public string Os { get; }

    public string Architecture { get; }

    public string? OsVersion { get; }

    public string? Variant { get; }

    public IReadOnlyList<LayerBlob> Layers { get; }

    public bool DockerMediaTypes { get; }

    public byte[] ConfigBytes { get; }

    public Digest ConfigDigest { get; }

    public byte[] ManifestBytes { get; }

    public Digest ManifestDigest { get; }

    public string ManifestMediaType => DockerMediaTypes ? MediaTypes.DockerManifest : MediaTypes.OciManifest;

    public string ConfigMediaType => DockerMediaTypes ? MediaTypes.DockerConfig : MediaTypes.OciConfig;

    public IEnumerable<Digest> DiffIds => Layers.Select(layer => layer.DiffId);

    public JsonObject PlatformJson()
    {
        var platform = new JsonObject { ["architecture"] = Architecture, ["os"] = Os };
        if (OsVersion is not null) platform["os.version"] = OsVersion;
        if (Variant is not null) platform["variant"] = Variant;
        return platform;
    }

    private byte[] BuildConfig(IReadOnlyList<string>? cmd)
    {
        var config = new JsonObject
        {
            ["architecture"] = Architecture,
            ["os"] = Os,
        };
        if (OsVersion is not null) config["os.version"] = OsVersion;
        if (Variant is not null) config["variant"] = Variant;
        var runConfig = new JsonObject
        {
            ["Env"] = new JsonArray(Os == "windows" ? "PATH=C:\\Windows\\system32;C:\\Windows" : "PATH=/bin"),
        };
        if (cmd is not null) runConfig["Cmd"] = new JsonArray(cmd.Select(part => (JsonNode?)part).ToArray());
        config["config"] = runConfig;
        config["created"] = "2024-01-02T03:04:05Z";
        config["history"] = new JsonArray(Layers.Select((_, i) =>
            (JsonNode?)new JsonObject { ["created"] = "2024-01-02T03:04:05Z", ["created_by"] = $"layer {i}" }).ToArray());
        config["rootfs"] = new JsonObject
        {
            ["type"] = "layers",
            ["diff_ids"] = new JsonArray(Layers.Select(layer => (JsonNode?)layer.DiffId.ToString()).ToArray()),
        };
        return Encoding.UTF8.GetBytes(config.ToJsonString());
    }

    private byte[] BuildManifest()
    {
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestMediaType,
            ["config"] = new JsonObject
            {
                ["mediaType"] = ConfigMediaType,
                ["digest"] = ConfigDigest.ToString(),
                ["size"] = ConfigBytes.Length,
            },
            ["layers"] = new JsonArray(Layers.Select(layer =>
            {
                var descriptor = new JsonObject
                {
                    ["mediaType"] = layer.MediaType,
                    ["digest"] = layer.Digest.ToString(),
                    ["size"] = layer.Blob.Length,
                };
                if (layer.Urls is not null)
                    descriptor["urls"] = new JsonArray(layer.Urls.Select(url => (JsonNode?)url).ToArray());
                return (JsonNode?)descriptor;
            }).ToArray()),
        };
        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }
}
