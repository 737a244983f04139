using System.Text.Json.Nodes;
using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>Compact JSON for descriptors and platforms in the field order registries use.</summary>
public static class TestJson
{
    public static JsonObject Descriptor(Descriptor descriptor)
    {
        var node = new JsonObject
        {
            ["mediaType"] = descriptor.MediaType,
            ["size"] = descriptor.Size,
            ["digest"] = descriptor.Digest.ToString(),
        };
        if (descriptor.Urls is { } urls) node["urls"] = new JsonArray(urls.Select(u => (JsonNode?)JsonValue.Create(u)).ToArray());
        if (descriptor.Annotations is { } annotations) node["annotations"] = StringMap(annotations);
        if (descriptor.Platform is { } platform) node["platform"] = Platform(platform);
        return node;
    }

    public static JsonObject Platform(Platform platform)
    {
        var node = new JsonObject { ["architecture"] = platform.Architecture, ["os"] = platform.Os };
        if (platform.OsVersion is not null) node["os.version"] = platform.OsVersion;
        if (platform.Variant is not null) node["variant"] = platform.Variant;
        return node;
    }

    public static JsonObject StringMap(IEnumerable<KeyValuePair<string, string>> map)
    {
        var node = new JsonObject();
        foreach (var (key, value) in map) node[key] = value;
        return node;
    }

    public static byte[] Bytes(JsonNode node) => System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
}
