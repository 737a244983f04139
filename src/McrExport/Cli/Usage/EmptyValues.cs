using System.CommandLine;
using System.CommandLine.Parsing;

namespace McrExport.Cli.Usage;

/// <summary>
/// An empty value on the command line (<c>-o "$OUT"</c> with OUT unset): no option or argument of the tool means
/// anything by it, so it is a usage error that names the option, before anything is read or fetched.
/// </summary>
public static class EmptyValues
{
    /// <summary>The error for the first empty value, or null when there is none.</summary>
    public static string? Find(ParseResult parse)
    {
        var tokens = parse.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type != TokenType.Argument || !string.IsNullOrWhiteSpace(tokens[i].Value)) continue;
            return i > 0 && tokens[i - 1].Type == TokenType.Option
                ? $"{tokens[i - 1].Value} is given an empty value (an unset shell variable?)"
                : "an empty argument (an unset shell variable?)";
        }
        return null;
    }
}
