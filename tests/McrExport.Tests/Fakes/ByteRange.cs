using System.Globalization;

namespace McrExport.Tests.Fakes;

/// <summary>A single <c>bytes=N-</c> or <c>bytes=N-M</c> range, resolved against a length.</summary>
public readonly record struct ByteRange(long Start, long End)
{
    public long Length => End - Start + 1;

    /// <summary>
    /// Parses <paramref name="header"/>; null when absent or not a single byte range (then the whole body is served).
    /// <paramref name="satisfiable"/> is false when the start lies beyond the content.
    /// </summary>
    public static ByteRange? Parse(string? header, long contentLength, out bool satisfiable)
    {
        satisfiable = true;
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return null;
        var spec = header[6..].Trim();
        if (spec.Contains(',')) return null;
        var dash = spec.IndexOf('-');
        if (dash <= 0) return null;
        if (!long.TryParse(spec[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var start)) return null;
        var endText = spec[(dash + 1)..];
        var end = contentLength - 1;
        if (endText.Length > 0)
        {
            if (!long.TryParse(endText, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start) return null;
            end = Math.Min(end, contentLength - 1);
        }
        if (start >= contentLength)
        {
            satisfiable = false;
            return null;
        }
        return new ByteRange(start, end);
    }
}
