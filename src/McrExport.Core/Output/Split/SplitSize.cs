using System.Globalization;
using McrExport.Errors;

namespace McrExport.Output.Split;

/// <summary>
/// The size given to <c>--split</c>: a number with an optional suffix. Binary suffixes count in 1024s:
/// <c>K</c>, <c>M</c>, <c>G</c>, <c>T</c> and <c>Ki</c>, <c>Mi</c>, <c>Gi</c>, <c>Ti</c> (also with a trailing
/// <c>B</c>: <c>KiB</c>, <c>MiB</c>, <c>GiB</c>, <c>TiB</c>). Decimal suffixes count in 1000s: <c>KB</c>, <c>MB</c>,
/// <c>GB</c>, <c>TB</c>. No suffix or <c>B</c> means bytes. Case does not matter; a fraction is allowed
/// (<c>4.7GB</c> = 4,700,000,000 bytes, a single-layer DVD). <c>4G</c> = 4 GiB = 4,294,967,296 bytes, one byte
/// more than FAT32 takes in a file, so for FAT32 give <c>4000M</c> or <c>4095M</c>.
/// </summary>
public static class SplitSize
{
    /// <summary>The smallest part size accepted: smaller parts fit no carrier better and make part counts absurd.</summary>
    public const long Minimum = 1024 * 1024;

    /// <summary>The most parts one split may have (three-digit suffixes, so <c>NAME.0*</c> globs in order up to 099, <c>NAME.*</c> beyond).</summary>
    public const int MaxParts = 999;

    private static readonly (string Suffix, long Factor)[] Suffixes =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40),
        ("ki", 1L << 10), ("mi", 1L << 20), ("gi", 1L << 30), ("ti", 1L << 40),
        ("kb", 1000L), ("mb", 1000L * 1000), ("gb", 1000L * 1000 * 1000), ("tb", 1000L * 1000 * 1000 * 1000),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("t", 1L << 40),
        ("b", 1L),
    ];

    /// <summary>Parses <paramref name="text"/>; a malformed or too small size is a <see cref="UsageException"/>.</summary>
    public static long Parse(string text)
    {
        if (!TryParse(text, out var bytes, out var reason))
            throw new UsageException($"--split '{text}': {reason}")
            {
                Hint = "give a size such as 4000M (FAT32), 4.7GB (DVD), 2G; K/M/G/T and Ki/Mi/Gi/Ti count in 1024s, KB/MB/GB/TB in 1000s",
            };
        return bytes;
    }

    public static bool TryParse(string? text, out long bytes, out string reason)
    {
        bytes = 0;
        var value = (text ?? "").Trim();
        if (value.Length == 0) { reason = "no size given"; return false; }
        long factor = 1;
        foreach (var (suffix, f) in Suffixes)
        {
            if (!value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            factor = f;
            value = value[..^suffix.Length].TrimEnd();
            break;
        }
        if (value.Length == 0 || !value.All(c => char.IsAsciiDigit(c) || c == '.') || value.Count(c => c == '.') > 1 || value[0] == '.' || value[^1] == '.')
        {
            reason = "not a size (a number with an optional suffix K, M, G, T, KiB…, KB…)";
            return false;
        }
        if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number > long.MaxValue / factor)
        {
            reason = "too large";
            return false;
        }
        var exact = number * factor;
        if (exact != decimal.Truncate(exact))
        {
            reason = $"{exact} is not a whole number of bytes";
            return false;
        }
        bytes = (long)exact;
        if (bytes < Minimum)
        {
            reason = $"{bytes} bytes is less than the smallest part size, 1 MiB";
            return false;
        }
        reason = "";
        return true;
    }
}
