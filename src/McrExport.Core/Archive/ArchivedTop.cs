using McrExport.Model;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>
/// One entry of <c>index.json</c>: an image manifest, or a whole index (an <c>--all-platforms</c> export) with its
/// child images. <see cref="Name"/> is the full reference from <c>io.containerd.image.name</c> when present.
/// </summary>
public sealed record ArchivedTop(Descriptor Entry, byte[] Bytes, IReadOnlyList<ArchivedImage> Images, bool IsIndex)
{
    public string? Name => Entry.Annotations?.GetValueOrDefault(OciLayoutContent.ContainerdImageNameAnnotation);

    public string? RefName => Entry.Annotations?.GetValueOrDefault(OciLayoutContent.RefNameAnnotation);

    /// <summary>The name as a reference, or null when there is none or it does not parse.</summary>
    public ImageReference? Reference
    {
        get
        {
            if (Name is null) return null;
            try { return ImageReference.Parse(Name); }
            catch (Errors.InvalidReferenceException) { return null; }
        }
    }
}
