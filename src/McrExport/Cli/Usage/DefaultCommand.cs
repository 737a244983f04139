using System.CommandLine;

namespace McrExport.Cli.Usage;

/// <summary>
/// <c>mcr-export &lt;reference&gt;…</c> is short for <c>mcr-export export &lt;reference&gt;…</c>: when the first word names
/// no command and is not one of the root's own options, the command line is given to <c>export</c>. The export command
/// stays a subcommand, so its arguments never appear in another command's usage.
/// </summary>
public static class DefaultCommand
{
    public const string Name = "export";

    public static string[] Route(RootCommand root, string[] args)
    {
        if (args.Length == 0) return args;
        var first = args[0];
        if (first.StartsWith('[')) return args; // a directive, e.g. [diagram]
        if (root.Subcommands.Any(c => c.Name == first || c.Aliases.Contains(first))) return args;
        if (root.Options.Any(o => o.Name == first || o.Aliases.Contains(first))) return args;
        return [Name, .. args];
    }

    /// <summary>
    /// A first word that is no command but is one letter or two away from one (<c>inspcet</c>) and cannot be a
    /// repository with a tag, host or digest: the command it was likely meant to be; null otherwise.
    /// </summary>
    public static string? MistypedCommand(RootCommand root, string[] args)
    {
        if (args.Length == 0 || args[0].IndexOfAny(['/', ':', '@', '.', '-', '[']) >= 0) return null;
        var first = args[0];
        if (root.Subcommands.Any(c => c.Name == first || c.Aliases.Contains(first))) return null;
        return root.Subcommands.Where(c => !c.Hidden)
            .Select(c => (c.Name, Distance: OptionSuggestions.Distance(first, c.Name)))
            .Where(c => c.Distance <= (c.Name.Length <= 4 ? 1 : 2))
            .OrderBy(c => c.Distance).Select(c => c.Name).FirstOrDefault();
    }
}
