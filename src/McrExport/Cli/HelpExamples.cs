using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace McrExport.Cli;

/// <summary>
/// Examples shown at the end of a command's <c>--help</c> (and not in the parent's list of commands, which shows
/// only the one-line description).
/// </summary>
public static class HelpExamples
{
    private static readonly ConditionalWeakTable<Command, string> Examples = new();

    /// <summary>Attaches examples (one per line) to a command.</summary>
    public static T WithExamples<T>(this T command, params string[] lines) where T : Command
    {
        Examples.AddOrUpdate(command, "Examples:" + Environment.NewLine + string.Concat(lines.Select(l => "  " + l + Environment.NewLine)));
        return command;
    }

    /// <summary>Makes the root's help option print a command's examples after the usual help.</summary>
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction inner) help.Action = new ExamplesHelpAction(inner);
    }

    private sealed class ExamplesHelpAction(HelpAction inner) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = inner.Invoke(parseResult);
            if (Examples.TryGetValue(parseResult.CommandResult.Command, out var text))
                parseResult.InvocationConfiguration.Output.Write(text + Environment.NewLine);
            return code;
        }
    }
}
