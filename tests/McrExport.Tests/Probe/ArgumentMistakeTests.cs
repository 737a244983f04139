using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Probe;

/// <summary>The mistakes people make on the command line get an error that says what is wrong, before any network use.</summary>
public sealed class ArgumentMistakeTests
{
    [Fact]
    public async Task Push_with_the_destination_before_the_archive_says_the_archive_comes_first()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var archive = temp.Combine("servercore-ltsc2019.tar");
        await File.WriteAllBytesAsync(archive, new byte[1024], ct);

        // 127.0.0.1:9 is never contacted: the mistake is found first
        var result = await CliRunner.RunAsync(["push", "127.0.0.1:9/windows/servercore:ltsc2019", archive], cancellationToken: ct);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the archive comes first", result.Error);
        Assert.Contains($"mcr-export push {archive} 127.0.0.1:9/windows/servercore:ltsc2019", result.Error);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("push")]
    public async Task An_archive_that_does_not_exist_is_said_to_be_missing(string command)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var missing = temp.Combine("missing.tar");
        string[] args = command == "push" ? ["push", missing, "127.0.0.1:9/x:1"] : ["verify", missing];

        var result = await CliRunner.RunAsync(args, cancellationToken: ct);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"'{missing}': no such file or folder", result.Error);
        Assert.DoesNotContain("neither an archive", result.Error);
    }

    [Fact]
    public async Task Export_of_an_archive_file_name_says_it_is_a_file_and_names_verify_and_push()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var archive = temp.Combine("servercore.tar");
        await File.WriteAllBytesAsync(archive, new byte[1024], ct);

        // an absolute path: without the check it is an invalid reference, so the test never reaches a network either way
        var result = await CliRunner.RunAsync([archive, "--retries", "0", "--cache-dir", temp.Combine("cache")], cancellationToken: ct);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"'{archive}' is a file here, not an image reference", result.Error);
        Assert.Contains($"mcr-export verify {archive}", result.Error);
        Assert.DoesNotContain("mcr.microsoft.com", result.Error);
    }

    /// <summary><c>-o "$OUT"</c> with OUT unset: a usage error naming the option, never an unexpected error.</summary>
    [Theory]
    [InlineData("-o", "127.0.0.1:9/demo/hello:1.0", "-o", "")]
    [InlineData("--cache-dir", "127.0.0.1:9/demo/hello:1.0", "--cache-dir", "")]
    [InlineData("--from-file", "127.0.0.1:9/demo/hello:1.0", "--from-file", "")]
    [InlineData("an empty argument", "verify", "")]
    [InlineData("an empty argument", "push", "", "127.0.0.1:9/x:1")]
    [InlineData("--cache-dir", "cache", "list", "--cache-dir", "")]
    public async Task An_empty_value_is_a_usage_error_that_names_it(string named, params string[] args)
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await CliRunner.RunAsync(args, cancellationToken: ct);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.Error);
        Assert.Contains("empty", result.Error);
        Assert.DoesNotContain("unexpected error", result.Error);
    }
}
