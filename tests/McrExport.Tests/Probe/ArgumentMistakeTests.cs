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
}
