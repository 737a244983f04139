using McrExport.Content;

namespace McrExport.Output;

/// <summary>
/// Writes images to one output format. Writers read blobs from an <see cref="IBlobReader"/> and never touch the
/// network. A blob shared by several images is written once.
/// </summary>
public interface IImageWriter
{
    Task WriteAsync(IReadOnlyList<ExportImage> images, IBlobReader blobs, CancellationToken cancellationToken);
}

/// <summary>The output formats.</summary>
public enum OutputFormat
{
    /// <summary>A tar that is both a <c>docker load</c> archive and an OCI layout (like <c>docker save</c> of Docker 25+).</summary>
    DockerTar,

    /// <summary>An OCI image layout folder.</summary>
    Oci,

    /// <summary>An OCI image layout as one tar.</summary>
    OciTar,
}
