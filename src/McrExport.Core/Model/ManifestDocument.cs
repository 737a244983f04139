using System.Text.Json;

namespace McrExport.Model;

/// <summary>
/// Writes a new image manifest (schemaVersion 2, media type, config, layers), compact, as Docker and
/// go-containerregistry write them: for images that no registry served, or whose layers were recompressed.
/// </summary>
public static class ManifestDocument
{
    public static byte[] Build(string mediaType, Descriptor config, IReadOnlyList<Descriptor> layers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", mediaType);
            json.WritePropertyName("config");
            Write(json, config);
            json.WriteStartArray("layers");
            foreach (var layer in layers) Write(json, layer);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The manifest parsed back with its descriptor, so bytes, digest and model agree.</summary>
    public static (Descriptor Descriptor, byte[] Bytes, ImageManifest Manifest) Create(string mediaType, Descriptor config, IReadOnlyList<Descriptor> layers)
    {
        var bytes = Build(mediaType, config, layers);
        var manifest = (ImageManifest)ManifestParser.Parse(bytes, mediaType);
        return (new Descriptor(mediaType, Digest.Compute(bytes), bytes.Length), bytes, manifest);
    }

    private static void Write(Utf8JsonWriter json, Descriptor descriptor)
    {
        json.WriteStartObject();
        json.WriteString("mediaType", descriptor.MediaType);
        json.WriteNumber("size", descriptor.Size);
        json.WriteString("digest", descriptor.Digest.ToString());
        if (descriptor.Urls is { Count: > 0 } urls)
        {
            json.WriteStartArray("urls");
            foreach (var url in urls) json.WriteStringValue(url);
            json.WriteEndArray();
        }
        if (descriptor.Annotations is { Count: > 0 } annotations)
        {
            json.WriteStartObject("annotations");
            foreach (var (key, value) in annotations.OrderBy(a => a.Key, StringComparer.Ordinal)) json.WriteString(key, value);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
