using McrExport.Model;
using McrExport.Output;
using McrExport.Resolve;
using McrExport.Transfer;

namespace McrExport;

/// <summary>Everything an export needs to know, parsed and validated by the command line.</summary>
public sealed record ExportRequest(IReadOnlyList<ImageReference> References, OutputFormat Format, string OutputPath)
{
    public PlatformRequest Platform { get; init; } = PlatformRequest.Any;

    /// <summary>The blob cache folder; null with <see cref="NoCache"/>.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Bypass the shared cache: blobs go to a temporary store beside the output, removed at the end.</summary>
    public bool NoCache { get; init; }

    public bool OciMediaTypes { get; init; }

    public bool UncompressedLayers { get; init; }

    /// <summary>OCI formats: export each index whole, with every platform's image.</summary>
    public bool AllPlatforms { get; init; }

    /// <summary>Carry the images' referrers (signatures, SBOMs, attestations) into the output (<c>--referrers</c>).</summary>
    public bool Referrers { get; init; }

    /// <summary>With <see cref="Referrers"/>: only the images' referrers of this artifactType (and what refers to those).</summary>
    public string? ReferrersArtifactType { get; init; }

    /// <summary>Tar formats: cut the output into parts of at most this many bytes (<c>--split</c>); null writes one file.</summary>
    public long? SplitSize { get; init; }

    public TransferOptions Transfer { get; init; } = new();

    /// <summary>The stream behind <c>-o -</c> (tests give their own).</summary>
    public Stream? StandardOutput { get; init; }
}
