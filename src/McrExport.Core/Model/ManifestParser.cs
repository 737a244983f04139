using System.Text.Json;
using McrExport.Errors;

namespace McrExport.Model;

/// <summary>
/// Parses registry documents (image manifests, indexes, configs) strictly: size limit, valid JSON, required fields,
/// media type consistent with content, digests validated, text that is UTF-8 (and escapes that are UTF-16). Every
/// failure is an <see cref="InvalidManifestException"/>.
/// </summary>
public static class ManifestParser
{
    /// <summary>The largest manifest or config accepted (containerd's limit).</summary>
    public const int MaxDocumentSize = 4 * 1024 * 1024;

    /// <summary>The largest blob size a descriptor may claim (1 TiB): anything above is absurd.</summary>
    public const long MaxBlobSize = 1L << 40;

    /// <summary>Works out what kind of document <paramref name="bytes"/> is: an image manifest or an index.</summary>
    /// <param name="contentType">the Content-Type the registry sent, if any.</param>
    public static object Parse(ReadOnlySpan<byte> bytes, string? contentType, string what = "manifest")
    {
        using var doc = Open(bytes, what);
        try { return Parse(doc, contentType, what); }
        catch (InvalidOperationException e) { throw BadText(what, e); }
    }

    private static object Parse(JsonDocument doc, string? contentType, string what)
    {
        var root = doc.RootElement;
        var declared = GetString(root, "mediaType");
        var schemaVersion = root.TryGetProperty("schemaVersion", out var sv) && sv.ValueKind == JsonValueKind.Number && sv.TryGetInt32(out var v) ? v : 0;

        if (schemaVersion == 1 || MediaTypes.IsSchema1(contentType) || MediaTypes.IsSchema1(declared) || root.TryGetProperty("fsLayers", out _))
            throw new InvalidManifestException(
                $"the registry sent a Docker schema1 {what}, which is obsolete and not supported; the image must be pushed again with a current client")
            { Hint = "schema1 is what registries send when a client gives no Accept header; mcr-export always sends one" };
        if (schemaVersion != 2)
            throw new InvalidManifestException($"the {what} has schemaVersion {schemaVersion}; only 2 is supported");

        var hasManifests = root.TryGetProperty("manifests", out _);
        var hasLayers = root.TryGetProperty("layers", out _) || root.TryGetProperty("config", out _);
        var mediaType = declared ?? (MediaTypes.IsIndex(contentType) || MediaTypes.IsImageManifest(contentType) ? contentType : null)
            ?? (hasManifests ? MediaTypes.OciIndex : MediaTypes.OciManifest);

        if (declared is not null && contentType is not null && (MediaTypes.IsIndex(contentType) || MediaTypes.IsImageManifest(contentType))
            && declared != contentType)
            throw new InvalidManifestException($"the {what}'s mediaType '{declared}' contradicts the Content-Type '{contentType}'");

        if (MediaTypes.IsIndex(mediaType))
        {
            if (hasLayers) throw new InvalidManifestException($"the {what} says it is an index ({mediaType}) but has layers or a config");
            if (!hasManifests) throw new InvalidManifestException($"the index has no 'manifests' list");
            return new ImageIndex(mediaType, ReadDescriptors(root, "manifests", what));
        }

        if (MediaTypes.IsImageManifest(mediaType))
        {
            if (hasManifests) throw new InvalidManifestException($"the {what} says it is an image manifest ({mediaType}) but has a 'manifests' list");
            if (!root.TryGetProperty("config", out var config) || config.ValueKind != JsonValueKind.Object)
                throw new InvalidManifestException($"the {what} has no config descriptor");
            if (!root.TryGetProperty("layers", out _)) throw new InvalidManifestException($"the {what} has no 'layers' list");
            var layers = ReadDescriptors(root, "layers", what);
            Descriptor? subject = null;
            if (root.TryGetProperty("subject", out var subjectElement))
            {
                if (subjectElement.ValueKind != JsonValueKind.Object) throw new InvalidManifestException($"the {what}'s subject is not a descriptor");
                subject = ReadDescriptor(subjectElement, $"{what} subject");
            }
            return new ImageManifest(mediaType, ReadDescriptor(config, $"{what} config"), layers)
            {
                Annotations = ReadAnnotations(root),
                ArtifactType = GetString(root, "artifactType"),
                Subject = subject,
            };
        }

        throw new InvalidManifestException($"unsupported {what} media type '{mediaType}'");
    }

    /// <summary>Parses an image config; checks it has os, architecture and the diff_ids.</summary>
    public static ImageConfig ParseConfig(ReadOnlySpan<byte> bytes)
    {
        using var doc = Open(bytes, "config");
        try { return ParseConfig(doc.RootElement); }
        catch (InvalidOperationException e) { throw BadText("config", e); }
    }

    private static ImageConfig ParseConfig(JsonElement root)
    {
        var os = GetString(root, "os") ?? throw new InvalidManifestException("the image config has no 'os'");
        var arch = GetString(root, "architecture") ?? throw new InvalidManifestException("the image config has no 'architecture'");
        if (!root.TryGetProperty("rootfs", out var rootfs) || rootfs.ValueKind != JsonValueKind.Object
            || !rootfs.TryGetProperty("diff_ids", out var diffIds) || diffIds.ValueKind != JsonValueKind.Array)
            throw new InvalidManifestException("the image config has no rootfs.diff_ids");
        var ids = new List<Digest>();
        var i = 0;
        foreach (var id in diffIds.EnumerateArray())
        {
            if (id.ValueKind != JsonValueKind.String) throw new InvalidManifestException($"rootfs.diff_ids[{i}] is not a string");
            ids.Add(Digest.Parse(id.GetString(), $"config rootfs.diff_ids[{i}]"));
            i++;
        }
        return new ImageConfig(new Platform(os, arch, GetString(root, "variant"), GetString(root, "os.version")), ids);
    }

    /// <summary>
    /// True when a manifest is a container image; false for artifacts: an <c>artifactType</c>, a config that is not an
    /// image config (the empty <c>{}</c> one), an entry marked as an attestation (<c>unknown/unknown</c>,
    /// <c>vnd.docker.reference.type</c>) or listed with an <c>artifactType</c>, or layers none of which is a filesystem
    /// layer (a cosign signature: an image config over one <c>simplesigning</c> JSON blob).
    /// </summary>
    public static bool IsImage(Descriptor entry, ImageManifest manifest) =>
        manifest.ArtifactType is null && entry.ArtifactType is null && MediaTypes.IsImageConfig(manifest.Config.MediaType) && !IsAttestation(entry)
        && (manifest.Layers.Count == 0 || manifest.Layers.Any(l => MediaTypes.IsLayer(l.MediaType)));

    /// <summary>Docker's attestation entries: platform <c>unknown/unknown</c> or the <c>vnd.docker.reference.type</c> annotation.</summary>
    public static bool IsAttestation(Descriptor entry) =>
        entry.Platform is { Os: "unknown" or "", Architecture: "unknown" or "" }
        || entry.Annotations?.ContainsKey("vnd.docker.reference.type") == true;

    /// <summary>Checks that a manifest and its config agree: one diff_id per layer.</summary>
    public static void CheckConsistent(ImageManifest manifest, ImageConfig config)
    {
        if (manifest.Layers.Count != config.DiffIds.Count)
            throw new InvalidManifestException(
                $"the manifest has {manifest.Layers.Count} layers but the config lists {config.DiffIds.Count} diff_ids");
    }

    private static JsonDocument Open(ReadOnlySpan<byte> bytes, string what)
    {
        if (bytes.Length > MaxDocumentSize)
            throw new InvalidManifestException($"the {what} is {bytes.Length} bytes, more than the limit of {MaxDocumentSize}");
        if (bytes.IsEmpty) throw new InvalidManifestException($"the {what} is empty");
        // JSON is UTF-8 (RFC 8259); System.Text.Json checks that only when a string is read, and then throws InvalidOperationException.
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw new InvalidManifestException($"the {what} is not valid UTF-8 text");
        try
        {
            var doc = JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new InvalidManifestException($"the {what} is not a JSON object");
            }
            return doc;
        }
        catch (JsonException e)
        {
            throw new InvalidManifestException($"the {what} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>A string the reader cannot turn into text (a lone surrogate escape such as <c>\ud800</c>).</summary>
    private static InvalidManifestException BadText(string what, InvalidOperationException e) =>
        new($"the {what} holds a string that is not valid text: {e.Message}", e);

    private static List<Descriptor> ReadDescriptors(JsonElement root, string property, string what)
    {
        var list = root.GetProperty(property);
        if (list.ValueKind != JsonValueKind.Array) throw new InvalidManifestException($"the {what}'s '{property}' is not a list");
        var result = new List<Descriptor>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw new InvalidManifestException($"{what} {property}[{i}] is not an object");
            result.Add(ReadDescriptor(item, $"{what} {property}[{i}]"));
            i++;
        }
        return result;
    }

    /// <summary>Reads one descriptor, validating digest, size and urls.</summary>
    public static Descriptor ReadDescriptor(JsonElement element, string field)
    {
        var mediaType = GetString(element, "mediaType") ?? throw new InvalidManifestException($"{field} has no mediaType");
        if (!element.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number
            || !sizeElement.TryGetInt64(out var size))
            throw new InvalidManifestException($"{field} has no valid size");
        if (size < 0) throw new InvalidManifestException($"{field} has a negative size ({size})");
        if (size > MaxBlobSize) throw new InvalidManifestException($"{field} claims an absurd size ({size} bytes)");
        var digest = Digest.Parse(GetString(element, "digest"), $"{field}.digest");

        IReadOnlyList<string>? urls = null;
        if (element.TryGetProperty("urls", out var urlsElement) && urlsElement.ValueKind == JsonValueKind.Array)
            urls = urlsElement.EnumerateArray().Select(u => u.ValueKind == JsonValueKind.String ? u.GetString()! :
                throw new InvalidManifestException($"{field}.urls holds a value that is not a string")).ToList();

        Platform? platform = null;
        if (element.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object)
            platform = new Platform(GetString(p, "os") ?? "", GetString(p, "architecture") ?? "", GetString(p, "variant"), GetString(p, "os.version"));

        return new Descriptor(mediaType, digest, size)
        {
            Urls = urls, Platform = platform, Annotations = ReadAnnotations(element), ArtifactType = GetString(element, "artifactType"),
        };
    }

    private static Dictionary<string, string>? ReadAnnotations(JsonElement element)
    {
        if (!element.TryGetProperty("annotations", out var a) || a.ValueKind != JsonValueKind.Object) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in a.EnumerateObject())
            if (property.Value.ValueKind == JsonValueKind.String) result[property.Name] = property.Value.GetString()!;
        return result;
    }

    private static string? GetString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
