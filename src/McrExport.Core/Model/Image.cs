namespace McrExport.Model;

/// <summary>
/// A container image: its manifest (bytes as stored), its config (bytes and the parts the tool reads) and its layers.
/// <see cref="Synthesized"/> marks a manifest that no registry served: built from a classic <c>docker save</c> archive's
/// config and layer files, so a sink may build it again in the form it needs.
/// </summary>
public sealed record Image(
    Descriptor Descriptor,
    ReadOnlyMemory<byte> Bytes,
    ImageManifest Manifest,
    ReadOnlyMemory<byte> ConfigBytes,
    ImageConfig Config) : ManifestNode(Descriptor, Bytes)
{
    public bool Synthesized { get; init; }

    /// <summary>The config, then the layers in order.</summary>
    public override IEnumerable<Descriptor> Blobs => Manifest.Layers.Prepend(Manifest.Config);

    /// <summary>The platform: the descriptor's when it names os and architecture, else the config's (the one rule).</summary>
    public Platform Platform => PlatformRule.Of(Descriptor, Config.Platform);

    /// <summary>Config and layers: what the image takes once pulled.</summary>
    public long Size => Manifest.Config.Size + Manifest.Layers.Sum(l => l.Size);
}
