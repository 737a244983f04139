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

    /// <summary>The signatures, SBOMs and attestations carried with the images (<c>--referrers</c>).</summary>
    public IReadOnlyList<SetEntry> Referrers => Set.Entries.Where(ReferrerGraph.IsReferrer).ToList();

    /// <summary>The part files of a split output (<c>NAME.001</c>, …) and its <c>NAME.sha256</c>; empty otherwise.</summary>
    public IReadOnlyList<string> Parts { get; init; } = [];
}
