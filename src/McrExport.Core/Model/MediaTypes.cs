namespace McrExport.Model;

/// <summary>The media types of the OCI image spec and of Docker's image manifest v2, and how they group.</summary>
public static class MediaTypes
{
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string OciForeignLayer = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public const string OciForeignLayerGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public const string OciForeignLayerZstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";

    /// <summary>The empty descriptor's media type (<c>{}</c>, 2 bytes): the config of OCI 1.1 artifacts.</summary>
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    public const string DockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
    public const string DockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /// <summary>The <c>Accept</c> header for manifests: never schema1.</summary>
    public static readonly IReadOnlyList<string> ManifestAccept = [OciIndex, OciManifest, DockerManifestList, DockerManifest];

    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    public static bool IsImageManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>Config media types of container images (anything else makes a manifest an artifact).</summary>
    public static bool IsImageConfig(string? mediaType) => mediaType is OciConfig or DockerConfig;

    /// <summary>A filesystem layer (a tar, plain or compressed, or Docker's rootfs types), not an artifact's blob.</summary>
    public static bool IsLayer(string? mediaType) =>
        mediaType is not null && (mediaType.Contains(".tar", StringComparison.Ordinal) || mediaType.Contains("rootfs", StringComparison.Ordinal));

    public static bool IsSchema1(string? mediaType) => mediaType is DockerSchema1 or DockerSchema1Signed;

    /// <summary>Foreign (non-distributable) layers: registries need not have them; their bytes come from <c>urls</c>.</summary>
    public static bool IsForeignLayer(string? mediaType) =>
        mediaType is DockerForeignLayerGzip or OciForeignLayer or OciForeignLayerGzip or OciForeignLayerZstd;

    /// <summary>How a layer's bytes are compressed, read from its media type.</summary>
    public static LayerCompression CompressionOf(string mediaType) => mediaType switch
    {
        OciLayer or OciForeignLayer => LayerCompression.None,
        OciLayerZstd or OciForeignLayerZstd => LayerCompression.Zstd,
        "application/vnd.docker.image.rootfs.diff.tar" => LayerCompression.None,
        _ when mediaType.EndsWith("+zstd", StringComparison.Ordinal) => LayerCompression.Zstd,
        _ when mediaType.EndsWith(".tar", StringComparison.Ordinal) => LayerCompression.None,
        _ => LayerCompression.Gzip,
    };

    /// <summary>The OCI media type that means the same as a Docker one (identity for OCI types).</summary>
    public static string ToOci(string mediaType) => mediaType switch
    {
        DockerManifestList => OciIndex,
        DockerManifest => OciManifest,
        DockerConfig => OciConfig,
        DockerLayerGzip => OciLayerGzip,
        DockerForeignLayerGzip => OciForeignLayerGzip,
        "application/vnd.docker.image.rootfs.diff.tar" => OciLayer,
        _ => mediaType,
    };
}

public enum LayerCompression { None, Gzip, Zstd }
