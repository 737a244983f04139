using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>
/// Usage errors of the built tool: exit 2 at once (a generous bound of 3 s for a process start on a loaded machine,
/// against the 11 s of DNS retries they used to take), the offending word named, no request sent, no stack trace.
/// </summary>
public sealed class UsageErrorTests
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(3);

    public static TheoryData<string[], string> Mistakes => new()
    {
        { ["REF", "--bogus"], "unknown option '--bogus'" },
        { ["REF", "--paralel", "2"], "did you mean '--parallel'?" },
        { ["REF", "--platfrom", "linux/amd64"], "did you mean '--platform'?" },
        { ["REF", "-p", "linux/amd64"], "--platform" },
        { ["REF", "--insecure"], "--insecure-registry HOST[:PORT]" },
        { ["REF", "--tls-verify=false"], "--insecure-registry HOST[:PORT]" },
        { ["push", "x.tar", "REF", "--dest-tls-verify=false"], "no --src-/--dest- options" },
        { ["push", "x.tar", "REF", "--dest-creds", "u:p"], "--password-stdin" },
        { ["REF", "--src-creds", "u:p"], "--username USER --password-stdin" },
        { ["REF", "--override-arch", "arm64"], "--platform OS/ARCH" },
        { ["inspect", "--bogus"], "unknown option '--bogus'" },
        { ["tags", "-x"], "unknown option '-x'" },
        { ["REF", "--parallel", "x"], "--parallel takes a whole number, not 'x'" },
        { ["REF", "--retries", "many"], "--retries takes a whole number, not 'many'" },
        { ["pull", "REF"], "'mcr-export export REF'" },
        { ["copy", "nosuch.tar", "x"], "neither an existing archive or folder nor a reference with a registry host" },
        { ["inspcet", "REF"], "did you mean 'inspect'?" },
        { ["push", "x.tar", "127.0.0.1:5088"], "no repository" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_mistake_exits_2_at_once_naming_it_and_sends_nothing(string[] args, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("demo/hello", "1.0", TestImages.Small("hello"));
        using var temp = new TempFolder();
        await File.WriteAllBytesAsync(temp.Combine("x.tar"), [], ct);
        var reference = registry.Reference("demo/hello", "1.0");

        var run = await BuiltTool.RunAsync(args.Select(a => a.Replace("REF", reference)), ct, workingDirectory: temp.Path);

        Assert.True(run.ExitCode == 2, run.Describe());
        Assert.Contains(expected.Replace("REF", reference), run.Error);
        Assert.True(run.Elapsed < AtOnce, run.Describe());
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal("", run.Out);
        Assert.Empty(registry.Requests);
    }

    [Fact]
    public async Task No_arguments_print_a_short_usage_with_the_next_line_to_type()
    {
        var run = await BuiltTool.RunAsync([], TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 2, run.Describe());
        Assert.Contains("Usage: mcr-export <reference>... [options]", run.Error);
        Assert.Contains("Try:   mcr-export servercore:ltsc2019", run.Error);
        Assert.Contains("mcr-export --help", run.Error);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task A_missing_argument_is_named_once_with_the_full_help_command()
    {
        var run = await BuiltTool.RunAsync(["push"], TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 2, run.Describe());
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["error: missing <archive> and <destination>: mcr-export push <archive> <destination>", "Run 'mcr-export push --help' for usage."], lines);
    }

    [Fact]
    public async Task Inspect_without_a_reference_points_at_mcr_export_inspect_help()
    {
        var run = await BuiltTool.RunAsync(["inspect"], TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 2, run.Describe());
        Assert.Single(run.Error.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("Run 'mcr-export inspect --help' for usage.", run.Error);
    }

    [Theory]
    [InlineData("inspect", "mcr-export inspect <reference> [options]")]
    [InlineData("tags", "mcr-export tags <repository> [options]")]
    [InlineData("push", "mcr-export push <archive> <destination> [options]")]
    [InlineData("verify", "mcr-export verify <archive> [options]")]
    [InlineData("export", "mcr-export export [<reference>...] [options]")]
    public async Task Help_of_a_command_shows_only_its_own_arguments(string command, string usage)
    {
        var run = await BuiltTool.RunAsync([command, "--help"], TestContext.Current.CancellationToken);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains(usage, run.Out);
        var arguments = run.Out[run.Out.IndexOf("Arguments:", StringComparison.Ordinal)..run.Out.IndexOf("Options:", StringComparison.Ordinal)];
        var own = usage.Split(' ').Where(w => w.Contains('<')).Select(w => w.Trim('[', ']', '.')).ToList();
        Assert.Equal(own, arguments.Split('\n').Skip(1).Where(l => l.Trim().Length > 0).Select(l => l.Trim().Split(' ')[0]));
    }

    [Fact]
    public async Task Save_works_as_docker_users_mean_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("demo/hello", "1.0", TestImages.Small("hello"));
        using var temp = new TempFolder();

        var run = await BuiltTool.RunAsync(["save", registry.Reference("demo/hello", "1.0"), "-o", temp.Combine("h.tar"), "--no-cache", "-q"], ct);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.True(new FileInfo(temp.Combine("h.tar")).Length > 0);
    }
}
