namespace McrExport.Resolve;

/// <summary>
/// Finds the existing tags closest to one that does not exist: tags sharing a prefix with it first, then by edit
/// distance. Tags too far from the wanted one are left out.
/// </summary>
public static class TagSuggestions
{
    public const int DefaultCount = 5;

    public static IReadOnlyList<string> Closest(string wanted, IEnumerable<string> tags, int count = DefaultCount)
    {
        var limit = Math.Max(2, wanted.Length / 3);
        return tags.Distinct(StringComparer.Ordinal)
            .Where(t => t != wanted)
            .Select(t => (Tag: t, Prefix: CommonPrefix(wanted, t), Distance: Distance(wanted, t)))
            .Where(c => c.Distance <= limit || c.Prefix >= Math.Min(4, wanted.Length))
            .OrderBy(c => c.Distance)
            .ThenByDescending(c => c.Prefix)
            .ThenBy(c => c.Tag, StringComparer.Ordinal)
            .Take(count)
            .Select(c => c.Tag)
            .ToList();
    }

    private static int CommonPrefix(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && char.ToLowerInvariant(a[i]) == char.ToLowerInvariant(b[i])) i++;
        return i;
    }

    /// <summary>Levenshtein distance, case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
