using McrExport.Model;
using McrExport.Transfer;

namespace McrExport;

/// <summary>What an export did, for the summary line (and <c>--json</c>).</summary>
public sealed record ExportResult(
    ImageSet Set,
    TransferSummary Transfer,
    string OutputPath,
    long OutputBytes,
    TimeSpan Elapsed)
{
    /// <summary>Every image written, each with the name it was asked for (the children of a whole index under its name).</summary>
    public IReadOnlyList<SetEntry> Images => Set.Entries
        .SelectMany(e => e.Node is IndexNode index ? index.Images.Select(i => new SetEntry(i, e.Reference, e.RefName)) : [e])
        .Where(e => e.Node is Image).ToList();
}
