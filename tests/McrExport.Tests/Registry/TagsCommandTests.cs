using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Registry;

public sealed class TagsCommandTests
{
    private const string Repo = "windows/servercore";

    [Fact]
    public async Task Filter_returns_exactly_the_matching_tags_across_pages()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.TagPageSize = 2;
        var digest = registry.Push(Repo, "1809", TestImages.Small("servercore"));
        foreach (var tag in new[] { "ltsc2016", "ltsc2019", "ltsc2022", "ltsc2025", "ltsc2019-amd64", "latest", "xltsc2019" })
            registry.AddTag(Repo, tag, digest);

        var result = await CliRunner.RunAsync(["tags", $"{registry.Authority}/{Repo}", "--filter", "ltsc20*"], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["ltsc2016", "ltsc2019", "ltsc2019-amd64", "ltsc2022", "ltsc2025"], Lines(result.Out));
        Assert.True(registry.RequestCount($"/v2/{Repo}/tags/list") >= 4, "the tags came in pages of 2");
    }

    [Fact]
    public async Task Without_a_filter_every_tag_is_listed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.TagPageSize = 2;
        var digest = registry.Push(Repo, "a", TestImages.Small("servercore"));
        foreach (var tag in new[] { "b", "c", "d", "e" }) registry.AddTag(Repo, tag, digest);

        var result = await CliRunner.RunAsync(["tags", $"{registry.Authority}/{Repo}"], cancellationToken: ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["a", "b", "c", "d", "e"], Lines(result.Out));
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_says_so_on_standard_error_and_prints_no_tag()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var digest = registry.Push(Repo, "ltsc2019", TestImages.Small("servercore"));
        registry.AddTag(Repo, "ltsc2022", digest);

        var result = await CliRunner.RunAsync(["tags", $"{registry.Authority}/{Repo}", "--filter", "1809*"], cancellationToken: ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Out.Trim());
        Assert.Contains($"no tag of {Repo} on {registry.Authority} matches 1809* (2 tags in all)", result.Error);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
