using System.Text;
using McrExport.Model;

namespace McrExport.Fuzz;

/// <summary>
/// One small valid image (one empty-tar layer, its config and an OCI manifest), and the files of a layout and of a
/// docker-load archive holding it: the fixed part the archive targets put a fuzzed file among.
/// </summary>
public static class SampleImage
{
    public static readonly byte[] Layer = new byte[1024];
    public static readonly Digest LayerDigest = Digest.Compute(Layer);
    public static readonly byte[] Config = Encoding.UTF8.GetBytes(
        $$$"""{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["{{{LayerDigest}}}"]}}""");
    public static readonly Digest ConfigDigest = Digest.Compute(Config);
    public static readonly byte[] Manifest = ManifestDocument.Build(MediaTypes.OciManifest,
        new Descriptor(MediaTypes.OciConfig, ConfigDigest, Config.Length), [new Descriptor(MediaTypes.OciLayer, LayerDigest, Layer.Length)]);
    public static readonly Digest ManifestDigest = Digest.Compute(Manifest);

    public static readonly byte[] OciLayout = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();

    public static byte[] Index => Encoding.UTF8.GetBytes(
        $$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciIndex}}}","manifests":[{"mediaType":"{{{MediaTypes.OciManifest}}}","digest":"{{{ManifestDigest}}}","size":{{{Manifest.Length}}},"annotations":{"org.opencontainers.image.ref.name":"1.0"}}]}""");

    public static byte[] DockerManifest => Encoding.UTF8.GetBytes(
        $$$"""[{"Config":"{{{ConfigDigest.Encoded}}}.json","RepoTags":["sample:1.0"],"Layers":["{{{LayerDigest.Encoded}}}/layer.tar"]},{"Config":"blobs/sha256/{{{ConfigDigest.Encoded}}}","RepoTags":["sample:2.0"],"Layers":["blobs/sha256/{{{LayerDigest.Encoded}}}"]}]""");

    /// <summary>The layout's files, with <c>index.json</c> as given.</summary>
    public static Dictionary<string, byte[]> LayoutFiles(byte[] index) => new(StringComparer.Ordinal)
    {
        ["oci-layout"] = OciLayout,
        ["index.json"] = index,
        [$"blobs/sha256/{ManifestDigest.Encoded}"] = Manifest,
        [$"blobs/sha256/{ConfigDigest.Encoded}"] = Config,
        [$"blobs/sha256/{LayerDigest.Encoded}"] = Layer,
    };

    /// <summary>A docker-load archive's files (classic and Docker 25+ names), with <c>manifest.json</c> as given.</summary>
    public static Dictionary<string, byte[]> DockerFiles(byte[] manifest) => new(StringComparer.Ordinal)
    {
        ["manifest.json"] = manifest,
        [$"{ConfigDigest.Encoded}.json"] = Config,
        [$"{LayerDigest.Encoded}/layer.tar"] = Layer,
        [$"blobs/sha256/{LayerDigest.Encoded}"] = Layer,
        [$"blobs/sha256/{ConfigDigest.Encoded}"] = Config,
        ["repositories"] = Encoding.UTF8.GetBytes($$$"""{"sample":{"1.0":"{{{LayerDigest.Encoded}}}"}}"""),
    };
}
