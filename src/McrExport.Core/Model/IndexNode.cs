namespace McrExport.Model;

/// <summary>
/// An image index (or Docker manifest list) with the children that are at hand. <see cref="Partial"/> when the index
/// lists manifests that are not (an export of one platform, as <c>ctr images export --platform</c> writes).
/// </summary>
public sealed record IndexNode(Descriptor Descriptor, ReadOnlyMemory<byte> Bytes, ImageIndex Index, IReadOnlyList<ManifestNode> Children)
    : ManifestNode(Descriptor, Bytes)
{
    public bool Partial => Children.Count < Index.Manifests.Count;

    public override IEnumerable<Descriptor> Blobs =>
        Children.SelectMany(c => c.Blobs.Prepend(c.Descriptor)).DistinctBy(d => d.Digest);

    public override IEnumerable<ManifestNode> Nodes => Children.SelectMany(c => c.Nodes).Prepend(this);

    public IEnumerable<Image> Images => Children.SelectMany(c => c.Nodes).OfType<Image>();
}
