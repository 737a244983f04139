using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>The command line's contract: help with examples, exit code 2 for usage errors, no stack traces.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData(new[] { "--help" }, "mcr-export servercore:ltsc2019")]
    [InlineData(new[] { "inspect", "--help" }, "mcr-export inspect servercore:ltsc2019")]
    [InlineData(new[] { "tags", "--help" }, "--filter 'ltsc20*'")]
    [InlineData(new[] { "cache", "prune", "--help" }, "--older-than 30d")]
    [InlineData(new[] { "verify", "--help" }, "mcr-export verify")]
    [InlineData(new[] { "push", "--help" }, "--rewrite-foreign-layers")]
    public async Task Help_shows_examples_and_exits_0(string[] args, string example)
    {
        var result = await CliRunner.RunAsync(args, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(example, result.Out[result.Out.IndexOf("Examples:", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task The_command_list_shows_one_line_per_command()
    {
        var result = await CliRunner.RunAsync(["--help"], cancellationToken: TestContext.Current.CancellationToken);

        var commands = result.Out[result.Out.IndexOf("Commands:", StringComparison.Ordinal)..result.Out.IndexOf("Examples:", StringComparison.Ordinal)];
        Assert.Equal(["export,", "inspect", "tags", "cache", "verify", "push", "copy"],
            commands.Split('\n').Skip(1).Where(l => l.Trim().Length > 0).Select(l => l.Trim().Split(' ')[0]));
    }

    [Theory]
    [InlineData(new[] { "servercore:ltsc2019", "--format", "zip" }, "zip")]
    [InlineData(new[] { "Servercore:ltsc2019" }, "must be lowercase")]
    [InlineData(new[] { "servercore:ltsc2019", "--platform", "windows" }, "os/arch")]
    [InlineData(new[] { "servercore:ltsc2019", "--os-version", "ltsc2019" }, "--os-version")]
    [InlineData(new[] { "servercore:ltsc2019", "-f", "oci", "-o", "-" }, "tar format")]
    [InlineData(new[] { "servercore:ltsc2019", "--uncompressed-layers", "-f", "oci" }, "docker-tar only")]
    [InlineData(new[] { "servercore:ltsc2019", "--password-stdin" }, "--username")]
    [InlineData(new[] { "servercore:ltsc2019", "--parallel", "0" }, "--parallel")]
    [InlineData(new[] { "servercore:ltsc2019", "--no-cache", "--cache-dir", "x" }, "exclude")]
    [InlineData(new[] { "export" }, "no image to export")]
    [InlineData(new[] { "cache", "prune" }, "--older-than")]
    [InlineData(new[] { "servercore@sha256:abc" }, "not a valid digest")]
    public async Task Usage_errors_exit_2_with_a_one_line_reason(string[] args, string reason)
    {
        var result = await CliRunner.RunAsync(args, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Standard_output_carries_only_the_tar()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = TestImages.Small("hello");
        registry.Push("demo/hello", "1.0", image);
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([registry.Reference("demo/hello", "1.0"), "-o", "-", "--cache-dir", temp.Combine("cache")], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Out);
        var files = TarContents.Read(result.StandardOutputBytes).ToFiles();
        Assert.Equal(image.ManifestBytes, files[$"blobs/sha256/{image.ManifestDigest.Encoded}"]);
        Assert.Contains("manifest.json", files.Keys);
        Assert.Contains("output    standard output", result.Error);
    }

    [Fact]
    public async Task Json_summary_is_parseable_and_names_the_image()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = TestImages.Small("hello");
        registry.Push("demo/hello", "1.0", image);
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([registry.Reference("demo/hello", "1.0"), "-o", temp.Combine("h.tar"), "--cache-dir", temp.Combine("cache"), "--json"], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        using var doc = System.Text.Json.JsonDocument.Parse(result.Out);
        var first = doc.RootElement.GetProperty("images")[0];
        Assert.Equal(image.ManifestDigest.ToString(), first.GetProperty("manifestDigest").GetString());
        Assert.Equal(image.ConfigDigest.ToString(), first.GetProperty("configDigest").GetString());
        Assert.True(doc.RootElement.GetProperty("bytesDownloaded").GetInt64() > 0);
        Assert.Equal(new FileInfo(temp.Combine("h.tar")).Length, doc.RootElement.GetProperty("outputBytes").GetInt64());
    }
}
