using McrExport.Model;

namespace McrExport.Archive;

/// <summary>
/// One image of a docker-load archive as <c>manifest.json</c> describes it: the config file (its bytes, and the
/// digest they hash to: the image ID) and each layer file, however the producer named and compressed it.
/// </summary>
public sealed record DockerArchiveImage(
    DockerManifestItem Item,
    string ConfigPath,
    Digest ConfigDigest,
    byte[] ConfigBytes,
    ImageConfig Config,
    IReadOnlyList<DockerArchiveLayer> Layers)
{
    /// <summary>False when a layer file is missing or unsafe (then <see cref="Layers"/> holds the others): not an image to move.</summary>
    public bool Complete => Layers.Count == Item.Layers.Count;

    public IReadOnlyList<string> RepoTags => Item.RepoTags;
}

/// <summary>
/// One layer file: its path (a link already followed), the digest of its bytes as far as the archive tells (the
/// diff_id for a plain tar, the name's digest for a compressed file), size, compression, the config's diff_id, and the
/// v1 id of a classic <c>&lt;id&gt;/layer.tar</c>. <see cref="Source"/> is the registry's descriptor from
/// <c>LayerSources</c> (foreign layers), if any.
/// </summary>
public sealed record DockerArchiveLayer(int Index, string Path, Digest Digest, long Size, LayerCompression Compression, Digest DiffId, string? V1Id)
{
    public Descriptor? Source { get; init; }
}
