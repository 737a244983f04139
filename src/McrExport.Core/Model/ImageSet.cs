using System.Collections;
using System.Runtime.CompilerServices;

namespace McrExport.Model;

/// <summary>
/// What a command moves: the named top-level manifests (images, indexes with their children, artifacts), from any
/// source to any sink. Immutable; a stage that changes something returns a new set.
/// </summary>
[CollectionBuilder(typeof(ImageSet), nameof(Create))]
public sealed record ImageSet(IReadOnlyList<SetEntry> Entries) : IReadOnlyList<SetEntry>
{
    public static readonly ImageSet Empty = new([]);

    /// <summary>Every distinct manifest, parents first, each once.</summary>
    public IReadOnlyList<ManifestNode> Nodes => Entries.SelectMany(e => e.Node.Nodes).DistinctBy(n => n.Digest).ToList();

    /// <summary>Every distinct image (top-level or inside an index).</summary>
    public IReadOnlyList<Image> Images => Nodes.OfType<Image>().ToList();

    /// <summary>Every distinct artifact (attestations, signatures, SBOMs).</summary>
    public IReadOnlyList<Artifact> Artifacts => Nodes.OfType<Artifact>().ToList();

    /// <summary>Every blob besides manifests, each once.</summary>
    public IReadOnlyList<Descriptor> Blobs => Nodes.Where(n => n is not IndexNode).SelectMany(n => n.Blobs).DistinctBy(d => d.Digest).ToList();

    /// <summary>The entries whose manifest is an image (with their names).</summary>
    public IEnumerable<SetEntry> ImageEntries => Entries.Where(e => e.Node is Image);

    public static ImageSet Of(params IEnumerable<SetEntry> entries) => new(entries.ToList());

    public static ImageSet Create(ReadOnlySpan<SetEntry> entries) => new(entries.ToArray());

    public int Count => Entries.Count;

    public SetEntry this[int index] => Entries[index];

    public IEnumerator<SetEntry> GetEnumerator() => Entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
