using System.Text.Json;
using System.Text.Json.Nodes;
using McrExport.Model;

namespace McrExport.Push;

/// <summary>
/// Turns foreign layers into ordinary ones in a manifest's JSON: the distributable media type of the same
/// compression (Docker or OCI, as the manifest is) and no <c>urls</c>. Every other field is kept.
/// </summary>
public static class ForeignLayerRewriter
{
    /// <summary>The rewritten bytes, or the original bytes when the manifest has no foreign layer.</summary>
    public static byte[] Rewrite(byte[] manifest)
    {
        var root = JsonNode.Parse(manifest)!.AsObject();
        var changed = false;
        if (root["layers"] is JsonArray layers)
            foreach (var layer in layers.OfType<JsonObject>())
            {
                var mediaType = layer["mediaType"]?.GetValue<string>();
                if (!MediaTypes.IsForeignLayer(mediaType)) continue;
                layer["mediaType"] = Distributable(mediaType!);
                layer.Remove("urls");
                changed = true;
            }
        return changed ? ToBytes(root) : manifest;
    }

    /// <summary>The ordinary media type with the same compression as a foreign one.</summary>
    public static string Distributable(string foreign) => foreign switch
    {
        MediaTypes.DockerForeignLayerGzip => MediaTypes.DockerLayerGzip,
        MediaTypes.OciForeignLayer => MediaTypes.OciLayer,
        MediaTypes.OciForeignLayerZstd => MediaTypes.OciLayerZstd,
        _ => MediaTypes.OciLayerGzip,
    };

    /// <summary>An index with the descriptors of rewritten children replaced (digest and size), other fields kept.</summary>
    public static byte[] RewriteIndex(byte[] index, IReadOnlyDictionary<Digest, (Digest Digest, long Size)> replaced)
    {
        if (replaced.Count == 0) return index;
        var root = JsonNode.Parse(index)!.AsObject();
        if (root["manifests"] is JsonArray manifests)
            foreach (var entry in manifests.OfType<JsonObject>())
                if (Digest.TryParse(entry["digest"]?.GetValue<string>(), out var d) && replaced.TryGetValue(d, out var r))
                {
                    entry["digest"] = r.Digest.ToString();
                    entry["size"] = r.Size;
                }
        return ToBytes(root);
    }

    private static byte[] ToBytes(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) node.WriteTo(writer);
        return buffer.ToArray();
    }
}
