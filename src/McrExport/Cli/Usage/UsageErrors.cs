using System.CommandLine;
using System.CommandLine.Parsing;

namespace McrExport.Cli.Usage;

/// <summary>
/// Turns a parse result's errors into the lines a person reads: an unknown option named, with "did you mean" or the
/// mcr-export way of saying it; a word starting with '-' is never taken as a reference; missing arguments named once.
/// </summary>
public static class UsageErrors
{
    public static IReadOnlyList<string> Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        if (VerbHints.IsHint(command)) return parse.Errors.Select(e => e.Message).Distinct().ToList();

        var lines = new List<string>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var argumentWords = command.Arguments.SelectMany(a => parse.GetResult(a)?.Tokens ?? []).Select(t => t.Value);
        foreach (var token in argumentWords.Concat(parse.UnmatchedTokens).Where(IsOptionLike))
        {
            if (!reported.Add(token)) continue;
            lines.Add(UnknownOption(token, command));
        }

        var missing = command.Arguments
            .Where(a => a.Arity.MinimumNumberOfValues > 0 && parse.GetResult(a) is not { Tokens.Count: > 0 })
            .Select(a => $"<{a.Name}>").ToList();
        if (missing.Count > 0 && lines.Count == 0)
            lines.Add($"missing {string.Join(" and ", missing)}: {CommandPath.Of(command)} {string.Join(' ', command.Arguments.Select(Placeholder))}");

        foreach (var error in parse.Errors)
        {
            if (reported.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
            // the value of an unknown option (--dest-creds u:p) is not a second problem
            if (reported.Count > 0 && parse.UnmatchedTokens.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
            if (missing.Count > 0 && IsAboutMissing(error, command)) continue;
            if (!lines.Contains(error.Message)) lines.Add(error.Message);
        }
        return lines;
    }

    /// <summary>The line after the errors.</summary>
    public static string HelpLine(ParseResult parse) =>
        VerbHints.IsHint(parse.CommandResult.Command) ? $"Run '{CommandPath.Program} --help' for the commands."
        : $"Run '{CommandPath.Of(parse.CommandResult.Command)} --help' for usage.";

    private static string UnknownOption(string token, Command command)
    {
        if (ForeignHabits.Answer(token, command) is { } answer) return $"unknown option '{token}': {answer}";
        var near = OptionSuggestions.For(token, command);
        return near.Count == 0
            ? $"unknown option '{token}' (a reference or path never starts with '-')"
            : $"unknown option '{token}'; did you mean {string.Join(" or ", near.Select(n => $"'{n}'"))}?";
    }

    /// <summary>A word given to an argument that starts with '-' (and is not '-' alone, which means standard output).</summary>
    private static bool IsOptionLike(string value) => value.Length > 1 && value[0] == '-';

    private static bool IsAboutMissing(ParseError error, Command command) =>
        error.SymbolResult is CommandResult c && c.Command == command
        || error.SymbolResult is ArgumentResult a && command.Arguments.Contains(a.Argument);

    private static string Placeholder(Argument argument) =>
        argument.Arity.MinimumNumberOfValues == 0 ? $"[<{argument.Name}>...]"
        : argument.Arity.MaximumNumberOfValues > 1 ? $"<{argument.Name}>..."
        : $"<{argument.Name}>";
}
