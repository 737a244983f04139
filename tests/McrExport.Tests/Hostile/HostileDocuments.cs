using System.Text;
using McrExport.Model;

namespace McrExport.Tests.Hostile;

/// <summary>Hand-made manifests that break one rule each.</summary>
public static class HostileDocuments
{
    public static readonly string GoodDigest = "sha256:" + new string('a', 64);

    public static string Descriptor(string mediaType = MediaTypes.DockerLayerGzip, string? digest = null, string size = "10", string extra = "") =>
        $"{{\"mediaType\":\"{mediaType}\",\"digest\":\"{digest ?? GoodDigest}\",\"size\":{size}{extra}}}";

    public static string Config(string? digest = null, string size = "10") => Descriptor(MediaTypes.DockerConfig, digest, size);

    /// <summary>A schema2 manifest; null leaves a part out.</summary>
    public static byte[] Manifest(string? config = "", string? layers = "", string? mediaType = MediaTypes.DockerManifest, string schemaVersion = "2")
    {
        var parts = new List<string> { $"\"schemaVersion\":{schemaVersion}" };
        if (mediaType is not null) parts.Add($"\"mediaType\":\"{mediaType}\"");
        if (config is not null) parts.Add($"\"config\":{(config.Length == 0 ? Config() : config)}");
        if (layers is not null) parts.Add($"\"layers\":[{(layers.Length == 0 ? Descriptor() : layers)}]");
        return Encoding.UTF8.GetBytes("{" + string.Join(",", parts) + "}");
    }

    /// <summary>Every hostile manifest: a name, its bytes, the Content-Type served with it and a fragment of the expected message.</summary>
    public static IEnumerable<(string Name, byte[] Bytes, string ContentType, string Message)> All()
    {
        yield return ("invalid JSON", "{\"schemaVersion\":2,"u8.ToArray(), MediaTypes.DockerManifest, "not valid JSON");
        yield return ("not an object", "[1,2,3]"u8.ToArray(), MediaTypes.DockerManifest, "not a JSON object");
        yield return ("too large", TooLarge(), MediaTypes.DockerManifest, "more than the limit");
        yield return ("index with layers", Manifest(mediaType: MediaTypes.DockerManifestList), MediaTypes.DockerManifestList, "says it is an index");
        yield return ("manifest served as index", Manifest(), MediaTypes.OciIndex, "contradicts the Content-Type");
        yield return ("missing config", Manifest(config: null), MediaTypes.DockerManifest, "no config descriptor");
        yield return ("missing layers", Manifest(layers: null), MediaTypes.DockerManifest, "no 'layers' list");
        yield return ("layers not a list", Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.DockerManifest}\",\"config\":{Config()},\"layers\":{{}}}}"), MediaTypes.DockerManifest, "is not a list");
        yield return ("negative size", Manifest(layers: Descriptor(size: "-1")), MediaTypes.DockerManifest, "negative size");
        yield return ("absurd size", Manifest(layers: Descriptor(size: "99999999999999999")), MediaTypes.DockerManifest, "absurd size");
        yield return ("fractional size", Manifest(layers: Descriptor(size: "1.5")), MediaTypes.DockerManifest, "no valid size");
        yield return ("path in digest", Manifest(layers: Descriptor(digest: "sha256:../../etc/passwd")), MediaTypes.DockerManifest, "layers[0].digest");
        yield return ("path in config digest", Manifest(config: Config(digest: "sha256:../../../tmp/x")), MediaTypes.DockerManifest, "config.digest");
        yield return ("uppercase digest", Manifest(layers: Descriptor(digest: "sha256:" + new string('A', 64))), MediaTypes.DockerManifest, "64 lowercase hex");
        yield return ("url not a string", Manifest(layers: Descriptor(MediaTypes.DockerForeignLayerGzip, extra: ",\"urls\":[5]")), MediaTypes.DockerManifest, "urls holds a value that is not a string");
        yield return ("fractional schema version", Manifest(schemaVersion: "2.5"), MediaTypes.DockerManifest, "schemaVersion");
        yield return ("huge schema version", Manifest(schemaVersion: "1e400"), MediaTypes.DockerManifest, "schemaVersion");
        yield return ("unknown media type", Manifest(mediaType: "application/x-evil"), MediaTypes.DockerManifest, "'application/x-evil'");
    }

    private static byte[] TooLarge()
    {
        var padding = new string(' ', ManifestParser.MaxDocumentSize);
        return Encoding.UTF8.GetBytes("{\"schemaVersion\":2," + padding + "\"layers\":[]}");
    }
}
