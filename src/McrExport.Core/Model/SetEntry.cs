namespace McrExport.Model;

/// <summary>
/// One top-level member of an <see cref="ImageSet"/>: a manifest and the name it goes by. <see cref="Reference"/> is a
/// full name (from the command line, <c>RepoTags</c> or <c>io.containerd.image.name</c>); <see cref="RefName"/> a
/// tag-only <c>org.opencontainers.image.ref.name</c> (as skopeo and podman write it). Several entries may share a
/// manifest (one per tag).
/// </summary>
public sealed record SetEntry(ManifestNode Node, ImageReference? Reference = null, string? RefName = null)
{
    /// <summary>The tag this entry goes by: the reference's, else the tag-only name.</summary>
    public string? Tag => Reference?.Tag ?? RefName;

    public Descriptor ManifestDescriptor => Node.Descriptor;

    /// <summary>The image, when the entry is one (not an index or an artifact).</summary>
    public Image? Image => Node as Image;

    /// <summary>How the entry is named in messages: the reference, the tag, or the digest.</summary>
    public string DisplayName => Reference?.ToString() ?? RefName ?? Node.Digest.ToString();
}
