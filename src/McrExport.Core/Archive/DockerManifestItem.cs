using System.Text.Json;
using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Archive;

/// <summary>
/// One entry of a docker-load <c>manifest.json</c>: the config file, <c>RepoTags</c> (null is read as none), the layer
/// files and <c>LayerSources</c> (descriptors of foreign layers by diff_id).
/// </summary>
public sealed record DockerManifestItem(string Config, IReadOnlyList<string> RepoTags, IReadOnlyList<string> Layers)
{
    public IReadOnlyDictionary<string, Descriptor> LayerSources { get; init; } = new Dictionary<string, Descriptor>();

    public static IReadOnlyList<DockerManifestItem> Parse(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind == JsonValueKind.Null) throw new InvalidManifestException("it is null, not a list of images");
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new InvalidManifestException("it is not a JSON array");
            var items = new List<DockerManifestItem>();
            var i = 0;
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object) throw new InvalidManifestException($"entry {i} is not an object");
                var sources = new Dictionary<string, Descriptor>(StringComparer.Ordinal);
                if (item.TryGetProperty("LayerSources", out var ls) && ls.ValueKind == JsonValueKind.Object)
                    foreach (var source in ls.EnumerateObject())
                        if (source.Value.ValueKind == JsonValueKind.Object)
                            sources[source.Name] = ManifestParser.ReadDescriptor(source.Value, $"manifest.json LayerSources[{source.Name}]");
                var layers = item.TryGetProperty("Layers", out var l) && l.ValueKind == JsonValueKind.Array
                    ? l.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
                    : throw new InvalidManifestException($"entry {i} has no Layers list");
                items.Add(new DockerManifestItem(
                    item.TryGetProperty("Config", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : throw new InvalidManifestException($"entry {i} has no Config"),
                    item.TryGetProperty("RepoTags", out var tags) && tags.ValueKind == JsonValueKind.Array
                        ? tags.EnumerateArray().Select(t => t.GetString() ?? "").ToList() : [],
                    layers) { LayerSources = sources });
                i++;
            }
            return items;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidManifestException($"not a valid manifest.json: {e.Message}");
        }
    }
}
