using McrExport.Errors;
using McrExport.Output;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>Names from the user or a registry never make a writer put a file outside the output.</summary>
public sealed class PathEscapeTests
{
    [Theory]
    [InlineData("/../../etc/passwd:x")]
    [InlineData("/a/../../x:1")]
    [InlineData("/a:../../x")]
    [InlineData("/a:..")]
    [InlineData("/a:x/y")]
    [InlineData("/%2e%2e/x")]
    [InlineData("/a\\b")]
    public async Task A_repository_or_tag_that_would_escape_is_a_usage_error_before_any_request(string suffix)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([registry.Authority + suffix, "-o", temp.Combine("out.tar")], cancellationToken: ct);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("invalid image reference", result.Error);
        Assert.Equal(0, registry.Host.RequestsStarted);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Tags_from_a_registry_that_break_the_grammar_are_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("evil/tags", "ok", TestImages.Small("ok"));
        registry.Host.Map("/v2/evil/tags/tags/list", async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                """{"name":"evil/tags","tags":["ok","../../etc/passwd","a/b","/abs","x\n","", "tag\u00e9", 5, null, "fine-1.0"]}""",
                context.RequestAborted);
        });

        var result = await CliRunner.RunAsync(["tags", $"{registry.Authority}/evil/tags"], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["ok", "fine-1.0"], result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("a\\..\\b")]
    [InlineData("C:evil")]
    [InlineData("a\u0000b")]
    [InlineData("")]
    public void Unsafe_tar_entry_names_are_refused(string name)
    {
        var e = Assert.Throws<UnsafePathException>(() => TarEntryName.Validate(name));

        Assert.Equal(ExitCodes.Integrity, e.ExitCode);
    }

    [Theory]
    [InlineData("blobs/sha256/" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("manifest.json")]
    [InlineData("blobs/")]
    public void Names_the_writers_use_are_accepted(string name)
    {
        TarEntryName.Validate(name);
    }
}
