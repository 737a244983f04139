using McrExport.Content;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// What an OCI image layout holds for a set of images: <c>oci-layout</c>, <c>index.json</c> and the blobs (each
/// manifest, config and layer once, in image order). Shared by the folder, the OCI tar and the Docker archive.
/// See https://github.com/opencontainers/image-spec/blob/main/image-layout.md.
/// </summary>
public sealed record OciLayoutContent(ReadOnlyMemory<byte> LayoutFile, ReadOnlyMemory<byte> IndexFile, IReadOnlyList<LayoutBlob> Blobs)
{
    public const string LayoutFileName = "oci-layout";
    public const string IndexFileName = "index.json";
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    public const string ContainerdImageNameAnnotation = "io.containerd.image.name";

    private static readonly byte[] LayoutBytes = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();

    /// <summary>The blob folders (<c>blobs/</c>, then <c>blobs/&lt;alg&gt;/</c>) in a stable order.</summary>
    public IReadOnlyList<string> Directories =>
        ["blobs/", .. Blobs.Select(b => LayoutBlob.DirectoryOf(b.Digest)).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Every byte the blobs hold, for space estimates.</summary>
    public long BlobBytes => Blobs.Sum(b => b.Size);

    /// <summary>
    /// Plans the layout; checks each image's manifest and config bytes against their descriptors. Each of
    /// <paramref name="indexes"/> is stored as a blob with all its images, and <c>index.json</c> points at it.
    /// </summary>
    public static OciLayoutContent Build(IReadOnlyList<ExportImage> images, IReadOnlyList<ExportIndex>? indexes = null)
    {
        indexes ??= [];
        var blobs = new List<LayoutBlob>();
        var seen = new HashSet<Digest>();
        void Add(Digest digest, long size, ReadOnlyMemory<byte>? bytes)
        {
            if (seen.Add(digest)) blobs.Add(new LayoutBlob(digest, size, bytes));
        }

        foreach (var whole in indexes)
        {
            BlobVerifier.Check(whole.IndexDescriptor, whole.IndexBytes.Span, $"the index of {whole.Reference}");
            Add(whole.IndexDescriptor.Digest, whole.IndexDescriptor.Size, whole.IndexBytes);
        }
        foreach (var image in images.Concat(indexes.SelectMany(i => i.Images)))
        {
            BlobVerifier.Check(image.ManifestDescriptor, image.ManifestBytes.Span, $"the manifest of {image.Reference}");
            BlobVerifier.Check(image.Manifest.Config, image.ConfigBytes.Span, $"the config of {image.Reference}");
            Add(image.ManifestDescriptor.Digest, image.ManifestDescriptor.Size, image.ManifestBytes);
            Add(image.Manifest.Config.Digest, image.Manifest.Config.Size, image.ConfigBytes);
            foreach (var layer in image.Manifest.Layers) Add(layer.Digest, layer.Size, null);
        }

        var index = new IndexDocument(2, MediaTypes.OciIndex, images.Select(IndexEntry).Concat(indexes.Select(IndexEntry)).ToList());
        return new OciLayoutContent(LayoutBytes, OutputJson.Serialize(index), blobs);
    }

    /// <summary>The <c>index.json</c> descriptor of a whole index: its own descriptor and names, no platform.</summary>
    public static Descriptor IndexEntry(ExportIndex index) =>
        new(index.IndexDescriptor.MediaType, index.IndexDescriptor.Digest, index.IndexDescriptor.Size)
        {
            Annotations = Names(index.Reference, index.IndexDescriptor),
        };

    private static SortedDictionary<string, string> Names(ImageReference reference, Descriptor descriptor)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        annotations[ContainerdImageNameAnnotation] = reference.Tag is { } tag
            ? $"{reference.FullName}:{tag}"
            : $"{reference.FullName}@{reference.Digest ?? descriptor.Digest}";
        if (reference.Tag is { } refName) annotations[RefNameAnnotation] = refName;
        return annotations;
    }

    /// <summary>The <c>index.json</c> descriptor of one image: the manifest's own descriptor, platform and names.</summary>
    public static Descriptor IndexEntry(ExportImage image)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in image.ManifestDescriptor.Annotations ?? new Dictionary<string, string>())
            annotations[key] = value;
        var reference = image.Reference;
        annotations[ContainerdImageNameAnnotation] = reference.Tag is { } tag
            ? $"{reference.FullName}:{tag}"
            : $"{reference.FullName}@{reference.Digest ?? image.ManifestDescriptor.Digest}";
        if (reference.Tag is { } refName) annotations[RefNameAnnotation] = refName;
        else annotations.Remove(RefNameAnnotation);

        return new Descriptor(image.ManifestDescriptor.MediaType, image.ManifestDescriptor.Digest, image.ManifestDescriptor.Size)
        {
            Platform = PlatformOf(image),
            Annotations = annotations,
        };
    }

    /// <summary>The platform from the manifest descriptor, else the config's; os.version filled from the config when known.</summary>
    public static Platform PlatformOf(ExportImage image)
    {
        var fromConfig = image.Config.Platform;
        var platform = image.ManifestDescriptor.Platform is { Os.Length: > 0, Architecture.Length: > 0 } p ? p : fromConfig;
        if (platform.OsVersion is null && fromConfig.OsVersion is { } version && platform.Os == fromConfig.Os)
            platform = platform with { OsVersion = version };
        return platform;
    }

    internal sealed record IndexDocument(
        [property: System.Text.Json.Serialization.JsonPropertyName("schemaVersion")] int SchemaVersion,
        [property: System.Text.Json.Serialization.JsonPropertyName("mediaType")] string MediaType,
        [property: System.Text.Json.Serialization.JsonPropertyName("manifests")] IReadOnlyList<Descriptor> Manifests);
}
