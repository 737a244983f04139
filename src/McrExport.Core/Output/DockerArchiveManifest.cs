using System.Text.Json.Serialization;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// The two <c>docker load</c> documents: <c>manifest.json</c> (what load reads) and <c>repositories</c> (the legacy
/// tag list, which modern load ignores). Both are written as Docker writes them: compact JSON with a trailing newline,
/// map keys sorted. See moby <c>image/tarexport/save.go</c> and <c>image/spec/v1.2.md</c>.
/// </summary>
public static class DockerArchiveManifest
{
    public const string ManifestFileName = "manifest.json";
    public const string RepositoriesFileName = "repositories";

    /// <summary>
    /// Builds <c>manifest.json</c>: one entry per distinct manifest (the tags of images that share it are merged),
    /// with the config path, <c>RepoTags</c>, the layer paths from <paramref name="layerPath"/> (given the layer
    /// index) and <c>LayerSources</c> for foreign layers, keyed by their diff_id.
    /// </summary>
    public static byte[] Build(IReadOnlyList<SetEntry> entries, Func<Image, int, string> layerPath)
    {
        var items = new List<Item>();
        foreach (var group in entries.GroupBy(e => e.Node.Digest))
        {
            var image = ImageOf(group.First());
            var repoTags = group.Select(e => e.Reference?.FamiliarNameWithTag).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            var layers = image.Manifest.Layers.Select((_, i) => layerPath(image, i)).ToList();
            items.Add(new Item(LayoutBlob.PathOf(image.Manifest.Config.Digest), repoTags, layers) { LayerSources = LayerSources(image) });
        }
        return OutputJson.SerializeLine(items);
    }

    /// <summary>
    /// Builds <c>repositories</c>: familiar name → tag → the hex of the top layer's diff_id, as Docker 25+ writes it;
    /// null when no image has a tag (Docker then writes no such file).
    /// </summary>
    public static byte[]? BuildRepositories(IReadOnlyList<SetEntry> entries)
    {
        var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var image = ImageOf(entry);
            if (entry.Reference is not { Tag: { } tag } reference || image.Config.DiffIds.Count == 0) continue;
            var name = reference.FamiliarName;
            if (!repositories.TryGetValue(name, out var tags)) repositories[name] = tags = new(StringComparer.Ordinal);
            tags[tag] = image.Config.DiffIds[^1].Encoded;
        }
        return repositories.Count == 0 ? null : OutputJson.SerializeLine(repositories);
    }

    /// <summary>The image of an entry; a docker load archive holds nothing else.</summary>
    public static Image ImageOf(SetEntry entry) => entry.Node as Image
        ?? throw new Errors.UsageException($"{entry.DisplayName} is {(entry.Node is IndexNode ? "an index of several platforms" : "an artifact, not an image")}; a docker-tar holds single images")
        {
            Hint = entry.Node is IndexNode ? "choose one with --platform, or write an OCI format (oci, oci-tar)" : null,
        };

    private static SortedDictionary<string, Descriptor>? LayerSources(Image image)
    {
        SortedDictionary<string, Descriptor>? sources = null;
        for (var i = 0; i < image.Manifest.Layers.Count; i++)
        {
            var layer = image.Manifest.Layers[i];
            if (!layer.IsForeign) continue;
            sources ??= new(StringComparer.Ordinal);
            sources[image.Config.DiffIds[i].ToString()] = new Descriptor(layer.MediaType, layer.Digest, layer.Size)
            {
                Urls = layer.Urls,
                Annotations = layer.Annotations,
            };
        }
        return sources;
    }

    internal sealed record Item(
        [property: JsonPropertyName("Config")] string Config,
        [property: JsonPropertyName("RepoTags")] IReadOnlyList<string> RepoTags,
        [property: JsonPropertyName("Layers")] IReadOnlyList<string> Layers)
    {
        [JsonPropertyName("LayerSources"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyDictionary<string, Descriptor>? LayerSources { get; init; }
    }
}
