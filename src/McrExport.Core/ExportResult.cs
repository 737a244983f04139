using McrExport.Output;
using McrExport.Transfer;

namespace McrExport;

/// <summary>What an export did, for the summary line (and <c>--json</c>).</summary>
public sealed record ExportResult(
    IReadOnlyList<ExportImage> Images,
    TransferSummary Transfer,
    string OutputPath,
    long OutputBytes,
    TimeSpan Elapsed)
{
    /// <summary>The part files of a split output (<c>NAME.001</c>, …) and its <c>NAME.sha256</c>; empty otherwise.</summary>
    public IReadOnlyList<string> Parts { get; init; } = [];

    /// <summary>The referrers carried with the images (<c>--referrers</c>).</summary>
    public IReadOnlyList<Model.Referrer> Referrers { get; init; } = [];
}
