namespace McrExport.Transfer;

/// <summary>The bytes <c>[Start, End)</c> of a blob.</summary>
public readonly record struct ByteSpan(long Start, long End)
{
    public long Length => End - Start;

    /// <summary>Sorts and merges spans (empty ones dropped) into the fewest disjoint spans.</summary>
    public static IReadOnlyList<ByteSpan> Merge(IEnumerable<ByteSpan> spans)
    {
        var merged = new List<ByteSpan>();
        foreach (var span in spans.Where(s => s.Length > 0).OrderBy(s => s.Start))
        {
            if (merged.Count > 0 && span.Start <= merged[^1].End)
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, span.End) };
            else
                merged.Add(span);
        }
        return merged;
    }

    /// <summary>What of <c>[0, size)</c> the merged, disjoint <paramref name="done"/> spans leave out.</summary>
    public static IReadOnlyList<ByteSpan> Missing(IReadOnlyList<ByteSpan> done, long size)
    {
        var missing = new List<ByteSpan>();
        long at = 0;
        foreach (var span in done)
        {
            if (span.Start > at) missing.Add(new ByteSpan(at, span.Start));
            at = Math.Max(at, span.End);
        }
        if (at < size) missing.Add(new ByteSpan(at, size));
        return missing;
    }

    /// <summary>How far the merged spans cover the blob from its first byte without a gap.</summary>
    public static long Prefix(IReadOnlyList<ByteSpan> merged) => merged.Count > 0 && merged[0].Start == 0 ? merged[0].End : 0;

    /// <summary>Cuts spans into pieces of at most <paramref name="pieceSize"/> bytes, in order.</summary>
    public static IReadOnlyList<ByteSpan> Split(IEnumerable<ByteSpan> spans, long pieceSize)
    {
        var pieces = new List<ByteSpan>();
        foreach (var span in spans)
            for (var start = span.Start; start < span.End; start += pieceSize)
                pieces.Add(new ByteSpan(start, Math.Min(span.End, start + pieceSize)));
        return pieces;
    }
}
