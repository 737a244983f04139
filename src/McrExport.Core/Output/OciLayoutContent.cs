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
    /// Plans the layout of a set: every manifest (indexes, images, artifacts) checked against its descriptor and
    /// stored as a blob, every config and layer once; <c>index.json</c> has one descriptor per entry of the set.
    /// Referrers (signatures, SBOMs) are entries too: listed with their <c>artifactType</c>, found by their
    /// <c>subject</c> (as oras and notation look for them in a layout), a cosign-style one by its tag as
    /// <c>org.opencontainers.image.ref.name</c>.
    /// </summary>
    public static OciLayoutContent Build(ImageSet set)
    {
        var blobs = new List<LayoutBlob>();
        var seen = new HashSet<Digest>();
        void Add(Digest digest, long size, ReadOnlyMemory<byte>? bytes)
        {
            if (seen.Add(digest)) blobs.Add(new LayoutBlob(digest, size, bytes));
        }

        foreach (var entry in set.Entries)
        foreach (var node in entry.Node.Nodes)
        {
            BlobVerifier.Check(node.Descriptor, node.Bytes.Span, $"the manifest {node.Digest} of {entry.DisplayName}");
            Add(node.Digest, node.Descriptor.Size, node.Bytes);
            switch (node)
            {
                case Image image:
                    BlobVerifier.Check(image.Manifest.Config, image.ConfigBytes.Span, $"the config of {entry.DisplayName}");
                    Add(image.Manifest.Config.Digest, image.Manifest.Config.Size, image.ConfigBytes);
                    foreach (var layer in image.Manifest.Layers) Add(layer.Digest, layer.Size, null);
                    break;
                case Artifact artifact:
                    foreach (var blob in artifact.Blobs) Add(blob.Digest, blob.Size, null);
                    break;
            }
        }

        var index = new IndexDocument(2, MediaTypes.OciIndex, set.Entries.Select(IndexEntry).ToList());
        return new OciLayoutContent(LayoutBytes, OutputJson.Serialize(index), blobs);
    }

    /// <summary>
    /// The <c>index.json</c> descriptor of one entry: the manifest's own descriptor, its platform (images) and the
    /// entry's names (<c>io.containerd.image.name</c> with the full reference, <c>ref.name</c> with the tag).
    /// </summary>
    public static Descriptor IndexEntry(SetEntry entry)
    {
        var node = entry.Node;
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Descriptor.Annotations ?? new Dictionary<string, string>())
            if (key is not (ContainerdImageNameAnnotation or RefNameAnnotation)) annotations[key] = value;
        if (entry.Reference is { } reference)
            annotations[ContainerdImageNameAnnotation] = reference.Tag is { } tag
                ? $"{reference.FullName}:{tag}"
                : $"{reference.FullName}@{reference.Digest ?? node.Digest}";
        if (entry.Tag is { } refName) annotations[RefNameAnnotation] = refName;

        return new Descriptor(node.Descriptor.MediaType, node.Digest, node.Descriptor.Size)
        {
            Platform = node is Image image ? image.Platform : node is IndexNode ? null : node.Descriptor.Platform,
            Annotations = annotations.Count == 0 ? null : annotations,
            ArtifactType = node is Artifact artifact ? artifact.Descriptor.ArtifactType ?? artifact.Manifest.ArtifactType : null,
        };
    }

    internal sealed record IndexDocument(
        [property: System.Text.Json.Serialization.JsonPropertyName("schemaVersion")] int SchemaVersion,
        [property: System.Text.Json.Serialization.JsonPropertyName("mediaType")] string MediaType,
        [property: System.Text.Json.Serialization.JsonPropertyName("manifests")] IReadOnlyList<Descriptor> Manifests);
}
