using McrExport.Push;
using McrExport.Resolve;
using McrExport.Transfer;

namespace McrExport.Copy;

/// <summary>
/// A copy from any source to any sink. <see cref="All"/>: a registry source's whole index (every platform and its
/// attestations) and, at a registry destination, every entry under its own name. <see cref="Platform"/> picks one
/// image from indexes (a docker archive takes single images; with neither, the host's platform is taken from a
/// registry, and an archive's indexes are kept whole for OCI destinations).
/// </summary>
public sealed record CopyRequest(CopyEndpoint Source, CopyEndpoint Destination)
{
    public bool All { get; init; }

    public PlatformRequest Platform { get; init; } = PlatformRequest.Any;

    /// <summary>Registry destination, classic archive images: keep the layers as plain tars (no gzip).</summary>
    public bool Uncompressed { get; init; }

    public ForeignLayerMode ForeignLayers { get; init; } = ForeignLayerMode.LeaveForeign;

    public long ChunkSize { get; init; } = BlobUploader.DefaultChunkSize;

    public TransferOptions Transfer { get; init; } = new();

    /// <summary>The blob cache (registry sources fill it; unfinished uploads are recorded there).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// Carry the signatures, SBOMs and attestations of what is copied (<c>--referrers</c>): found in a registry source
    /// (referrers API, tag schema, cosign tags) or an archive source (its artifact entries with a subject), written
    /// into an archive destination or pushed into a registry destination with their digests. Without it referrers are
    /// left behind and no request asks for them.
    /// </summary>
    public bool Referrers { get; init; }

    /// <summary>With <see cref="Referrers"/> from a registry: only referrers of this artifactType (and what refers to those).</summary>
    public string? ReferrersArtifactType { get; init; }

    /// <summary>Tar destinations: cut the archive into parts of at most this many bytes (<c>NAME.001</c>, …, <c>NAME.sha256</c>).</summary>
    public long? SplitSize { get; init; }

    public Action<string>? Log { get; init; }

    /// <summary>Hears each blob of a push to a registry destination (progress).</summary>
    public IPushObserver? PushObserver { get; init; }
}
