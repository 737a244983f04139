using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace McrExport.Cli.Usage;

/// <summary>
/// Gives every whole-number option of a command tree a parser whose error names the option and the value in words
/// (<c>--parallel takes a whole number, not 'x'</c>) instead of the .NET type name.
/// </summary>
public static class NumberOptions
{
    public static void Install(Command command)
    {
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<int> i when i.CustomParser is null:
                    i.CustomParser = result => Parse<int>(result, int.TryParse);
                    break;
                case Option<long> l when l.CustomParser is null:
                    l.CustomParser = result => Parse<long>(result, long.TryParse);
                    break;
            }
        }
        foreach (var sub in command.Subcommands) Install(sub);
    }

    private delegate bool TryParse<T>(string text, NumberStyles styles, IFormatProvider provider, out T value);

    private static T Parse<T>(ArgumentResult result, TryParse<T> tryParse) where T : struct
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[^1].Value;
        if (tryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        var name = (result.Parent as OptionResult)?.Option.Name ?? "the option";
        result.AddError(text.Length == 0 ? $"{name} needs a whole number" : $"{name} takes a whole number, not '{text}'");
        return default;
    }
}
