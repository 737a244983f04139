using McrExport.Content;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// A file sink: writes an image set in one output format. Writers read blobs from an <see cref="IBlobReader"/> (the
/// blob store a transfer filled, or an archive read in place) and never touch the network. A blob shared by several
/// images is written once.
/// </summary>
public interface IImageWriter
{
    Task WriteAsync(ImageSet set, IBlobReader blobs, CancellationToken cancellationToken);
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
