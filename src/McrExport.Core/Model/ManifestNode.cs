namespace McrExport.Model;

/// <summary>
/// One manifest of an image set, with its bytes exactly as stored (so its digest is kept): an <see cref="Image"/>, an
/// <see cref="Artifact"/> or an <see cref="IndexNode"/>. The descriptor is the manifest's own (media type, digest,
/// size, and the platform and annotations the index gave it).
/// </summary>
public abstract record ManifestNode(Descriptor Descriptor, ReadOnlyMemory<byte> Bytes)
{
    public Digest Digest => Descriptor.Digest;

    /// <summary>Every blob this manifest needs besides itself (for an index: its children's), in order, each once.</summary>
    public abstract IEnumerable<Descriptor> Blobs { get; }

    /// <summary>This node and every manifest under it, parents first.</summary>
    public virtual IEnumerable<ManifestNode> Nodes => [this];
}
