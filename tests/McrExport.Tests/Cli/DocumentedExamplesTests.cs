using McrExport.Cli;
using McrExport.Cli.Usage;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>
/// Every <c>mcr-export …</c> line of the README's and docs/json.md's code blocks, and every example in a command's
/// <c>--help</c>, is a command line the tool accepts as written: parsed by the real command tree with no usage error
/// (unknown option, missing argument, bad value, a verb of another tool). Those that need a registry on the internet
/// cannot run here; the parse is what can go stale when an option is renamed.
/// </summary>
public sealed class DocumentedExamplesTests
{
    public static TheoryData<string, string> DocumentedLines()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "README.md", Path.Combine("docs", "json.md") })
        {
            var inBlock = false;
            foreach (var line in File.ReadLines(Path.Combine(Golden.RepositoryRoot(), file)))
            {
                if (line.StartsWith("```", StringComparison.Ordinal)) { inBlock = !inBlock; continue; }
                var text = line.StartsWith("$ ", StringComparison.Ordinal) ? line[2..] : line;
                if (inBlock && text.StartsWith("mcr-export ", StringComparison.Ordinal)) data.Add(file, text);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DocumentedLines))]
    public void A_documented_command_line_parses_without_usage_errors(string file, string line)
    {
        var args = Words(line);

        Assert.Empty(UsageErrorsOf(args));
        Assert.NotEmpty(file);
    }

    [Fact]
    public async Task Every_help_example_parses_without_usage_errors()
    {
        string[][] helps = [[], ["export"], ["inspect"], ["tags"], ["cache", "list"], ["cache", "prune"], ["verify"], ["push"], ["copy"]];
        var examples = new List<string>();
        foreach (var path in helps)
        {
            var output = new StringWriter();
            var console = new CliConsole(output, new StringWriter(), () => Stream.Null, () => TextReader.Null, ErrorIsTerminal: false);
            Assert.Equal(0, await CliApp.RunAsync([.. path, "--help"], console, TestContext.Current.CancellationToken));
            var text = output.ToString();
            var at = text.IndexOf("Examples:", StringComparison.Ordinal);
            if (at < 0) continue;
            examples.AddRange(text[at..].Split('\n').Skip(1).Select(l => l.Trim()).Where(l => l.StartsWith("mcr-export ", StringComparison.Ordinal)));
        }

        Assert.True(examples.Count >= 20, $"only {examples.Count} examples found");
        Assert.All(examples, example => Assert.True(UsageErrorsOf(Words(example)).Count == 0, $"{example}: {string.Join("; ", UsageErrorsOf(Words(example)))}"));
    }

    [Theory]
    [InlineData("mcr-export servercore:ltsc2019 --bogus")]
    [InlineData("mcr-export pull servercore:ltsc2019")]
    [InlineData("mcr-export push servercore.tar")]
    public void The_check_catches_a_stale_line(string line) => Assert.NotEmpty(UsageErrorsOf(Words(line)));

    /// <summary>What the tool would report as usage errors for <paramref name="args"/>, as it decides before running anything.</summary>
    private static IReadOnlyList<string> UsageErrorsOf(string[] args)
    {
        var root = CliApp.Build(new CliConsole(TextWriter.Null, TextWriter.Null, () => Stream.Null, () => TextReader.Null, ErrorIsTerminal: false));
        if (DefaultCommand.MistypedCommand(root, args) is { } meant) return [$"mistyped command, meant {meant}"];
        var parse = root.Parse(DefaultCommand.Route(root, args));
        if (parse.Action is System.CommandLine.Invocation.CommandLineAction { ClearsParseErrors: true }) return [];
        var usage = UsageErrors.Describe(parse);
        return usage.Count > 0 ? usage : parse.Errors.Select(e => e.Message).ToList();
    }

    /// <summary>The tool's arguments in a shell line: the program name, comments, pipes and redirections dropped; quotes removed.</summary>
    private static string[] Words(string line)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var quote = '\0';
        var inWord = false;
        foreach (var c in line)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else current.Append(c);
                continue;
            }
            if (c is '\'' or '"') { quote = c; inWord = true; continue; }
            if (c == '#' && !inWord) break;
            if (c == '|' || c == '>') break;
            if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(current.ToString());
                current.Clear();
                inWord = false;
                continue;
            }
            current.Append(c);
            inWord = true;
        }
        if (inWord) words.Add(current.ToString());
        Assert.Equal("mcr-export", words[0]);
        return words.Skip(1).ToArray();
    }
}
