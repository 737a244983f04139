using McrExport.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>
/// <c>tags</c> on a listing that a bound stops (here a <c>Link</c> chain that leads back to its first page, an answer
/// no real registry gives): the tags read are printed, a warning on standard error says the list is incomplete, the
/// exit code is 1, and <c>--json</c> says <c>"complete": false</c> with the reason.
/// </summary>
public sealed class IncompleteTagsTests
{
    /// <summary>Three pages of two tags each; the third links back to the first.</summary>
    private static async Task<FakeHost> LoopingAsync(CancellationToken ct)
    {
        var host = await FakeHost.StartAsync(Loopback.Registry, ct);
        host.Map("/v2/library/x/tags/list", async c =>
        {
            var page = int.TryParse(c.Request.Query["last"], out var last) ? last + 1 : 0;
            var next = page == 2 ? "/v2/library/x/tags/list?n=1000" : $"/v2/library/x/tags/list?n=1000&last={page}";
            c.Response.Headers["Link"] = $"<{next}>; rel=\"next\"";
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync($"{{\"name\":\"library/x\",\"tags\":[\"v{page}.0\",\"beta{page}\"]}}", c.RequestAborted);
        });
        return host;
    }

    [Fact]
    public async Task Prints_the_tags_read_warns_and_exits_1()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await LoopingAsync(ct);

        var run = await BuiltTool.RunAsync(["tags", $"{host.Authority}/library/x", "--filter", "v*"], ct);

        Assert.True(run.ExitCode == 1, run.Describe());
        Assert.Equal(["v0.0", "v1.0", "v2.0"], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("warning: tags of library/x", run.Error);
        Assert.Contains("the list is incomplete (the registry's Link header points back at a page already read; 6 tags read)", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal(3, host.CountRequests("/v2/library/x/tags/list"));
    }

    [Fact]
    public async Task Json_says_complete_false_with_the_reason_and_validates()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await LoopingAsync(ct);

        var run = await BuiltTool.RunAsync(["tags", $"{host.Authority}/library/x", "--json"], ct);

        Assert.True(run.ExitCode == 1, run.Describe());
        var document = SchemaCheck.Validate("tags", run.Out);
        Assert.False(document.GetProperty("complete").GetBoolean());
        Assert.Contains("points back at a page already read", document.GetProperty("incompleteReason").GetString());
        Assert.Equal(6, document.GetProperty("total").GetInt32());
        Assert.Equal(["v0.0", "beta0", "v1.0", "beta1", "v2.0", "beta2"],
            document.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Contains("the list is incomplete", run.Error);
    }
}
