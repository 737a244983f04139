using McrExport.Output;
using McrExport.Transfer;

namespace McrExport;

/// <summary>What an export did, for the summary line (and <c>--json</c>).</summary>
public sealed record ExportResult(
    IReadOnlyList<ExportImage> Images,
    TransferSummary Transfer,
    string OutputPath,
    long OutputBytes,
    TimeSpan Elapsed);
