using System.CommandLine;

namespace McrExport.Cli.Usage;

/// <summary>"Did you mean": the option names of a command (its own and the recursive ones of its parents) nearest a typo.</summary>
public static class OptionSuggestions
{
    public static IReadOnlySet<string> Candidates(Command command)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in command.Options.Where(o => !o.Hidden)) Add(names, option);
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            foreach (var option in parent.Options.Where(o => o.Recursive && !o.Hidden)) Add(names, option);
        return names;
    }

    /// <summary>The nearest option names (at most three), best first; empty when none is near.</summary>
    public static IReadOnlyList<string> For(string token, Command command)
    {
        var name = token.Split('=', 2)[0];
        var candidates = Candidates(command).Where(c => c.StartsWith("--", StringComparison.Ordinal) || name.Length <= 2).ToList();
        var prefixed = candidates.Where(c => name.Length > 3 && c.StartsWith(name, StringComparison.Ordinal)).OrderBy(c => c.Length).ToList();
        if (prefixed.Count > 0) return prefixed.Take(3).ToList();
        var limit = Math.Max(1, (name.Length - 2) / 3);
        return candidates
            .Select(c => (Name: c, Distance: Distance(name, c)))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name).Take(3).ToList();
    }

    /// <summary>Levenshtein distance with adjacent transpositions.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    private static void Add(HashSet<string> names, Option option)
    {
        names.Add(option.Name);
        foreach (var alias in option.Aliases) names.Add(alias);
    }
}
