using McrExport.Model;

namespace McrExport.Archive;

/// <summary>What kind of archive a source found, from its content.</summary>
public enum ArchiveKind
{
    /// <summary>An OCI image layout (folder or tar): skopeo/podman <c>oci:</c>, <c>oci-archive:</c>, mcr-export oci.</summary>
    OciLayout,

    /// <summary>An OCI layout and <c>manifest.json</c> in one tar: Docker 25+ save, <c>ctr images export</c>, mcr-export docker-tar.</summary>
    DockerAndOci,

    /// <summary><c>manifest.json</c> alone: classic <c>docker save</c>, skopeo/podman docker-archive, crane tarballs.</summary>
    Docker,
}

/// <summary>
/// An archive read as a source: the set it holds, where each blob is, the docker-load view of it (when it has a
/// <c>manifest.json</c>), and every problem met while reading.
/// </summary>
public sealed record ArchiveContent(
    ImageArchive Archive,
    ArchiveKind Kind,
    ImageSet Set,
    ArchiveBlobReader Blobs,
    IReadOnlyList<DockerArchiveImage> DockerImages,
    bool HasIndex,
    IReadOnlyList<string> Problems);
