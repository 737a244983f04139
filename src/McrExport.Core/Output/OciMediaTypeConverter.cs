using System.Text.Json.Serialization;
using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// Rewrites a Docker schema2 image manifest as an OCI image manifest
/// (https://github.com/opencontainers/image-spec/blob/main/manifest.md): the manifest and config media types become
/// the OCI ones and each layer's media type goes through <see cref="MediaTypes.ToOci"/>; digests, sizes, urls and
/// annotations stay. The config bytes are not touched, so the image ID stays the same; the manifest gets a new
/// digest and size. OCI manifests pass through unchanged.
/// </summary>
public static class OciMediaTypeConverter
{
    /// <summary>The entry with its image converted; indexes and artifacts unchanged.</summary>
    public static SetEntry Convert(SetEntry entry) => entry.Node is Image image ? entry with { Node = Convert(image) } : entry;

    public static Image Convert(Image image)
    {
        if (image.Manifest.MediaType == MediaTypes.OciManifest) return image;
        if (image.Manifest.MediaType != MediaTypes.DockerManifest)
            throw new InvalidManifestException($"cannot convert a '{image.Manifest.MediaType}' manifest to OCI");

        var config = image.Manifest.Config with { MediaType = MediaTypes.ToOci(image.Manifest.Config.MediaType) };
        var layers = image.Manifest.Layers.Select(l => l with { MediaType = MediaTypes.ToOci(l.MediaType) }).ToList();
        var manifest = new ImageManifest(MediaTypes.OciManifest, config, layers) { Annotations = image.Manifest.Annotations };
        var bytes = OutputJson.Serialize(new Document(2, MediaTypes.OciManifest, config, layers) { Annotations = manifest.Annotations });
        var descriptor = new Descriptor(MediaTypes.OciManifest, Digest.Compute(bytes, image.Descriptor.Digest.Algorithm), bytes.Length)
        {
            Platform = image.Descriptor.Platform,
            Annotations = image.Descriptor.Annotations,
        };
        return image with { Descriptor = descriptor, Bytes = bytes, Manifest = manifest };
    }

    internal sealed record Document(
        [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
        [property: JsonPropertyName("mediaType")] string MediaType,
        [property: JsonPropertyName("config")] Descriptor Config,
        [property: JsonPropertyName("layers")] IReadOnlyList<Descriptor> Layers)
    {
        [JsonPropertyName("annotations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    }
}
