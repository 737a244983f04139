using McrExport.Errors;

namespace McrExport.Registry;

/// <summary>The tags of a repository as far as they were read; <see cref="Incomplete"/> when a bound stopped the listing.</summary>
/// <param name="Reason">why the listing stopped early (null when complete).</param>
public sealed record TagListing(IReadOnlyList<string> Tags, bool Incomplete, string? Reason, int Pages);

/// <summary>
/// How far a tag listing goes: at most <see cref="MaxPages"/> pages, each at most <see cref="MaxPageBytes"/>, and
/// <see cref="MaxBytes"/> of answers in all, so memory stays flat whatever the registry's <c>Link</c> headers say.
/// </summary>
public sealed record TagListLimits(int MaxPages = 10_000, int MaxPageBytes = 8 << 20, long MaxBytes = 32L << 20)
{
    public static TagListLimits Default { get; } = new();
}

/// <summary>A tag listing stopped at a bound: the list is not known to be complete.</summary>
public sealed class IncompleteTagListException(string what, TagListing listing)
    : McrExportException($"{what}: the list is incomplete ({listing.Reason}; {listing.Tags.Count} tags read)")
{
    public TagListing Listing { get; } = listing;

    public override int ExitCode => ExitCodes.Failure;
}
