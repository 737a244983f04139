using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>Docker schema2 or OCI media types for a test image's manifest, config and index.</summary>
public enum ManifestFormat { Docker, Oci }

public static class ManifestFormatExtensions
{
    public static string ManifestMediaType(this ManifestFormat format) =>
        format == ManifestFormat.Docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest;

    public static string ConfigMediaType(this ManifestFormat format) =>
        format == ManifestFormat.Docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig;

    public static string IndexMediaType(this ManifestFormat format) =>
        format == ManifestFormat.Docker ? MediaTypes.DockerManifestList : MediaTypes.OciIndex;
}
