using System.CommandLine;

namespace McrExport.Cli.Usage;

/// <summary>A command's full name as typed: <c>mcr-export cache prune</c>.</summary>
public static class CommandPath
{
    public const string Program = "mcr-export";

    public static string Of(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c and not RootCommand; s = c.Parents.FirstOrDefault()) names.Insert(0, c.Name);
        return string.Join(' ', [Program, .. names]);
    }
}
