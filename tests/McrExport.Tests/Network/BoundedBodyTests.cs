using System.Diagnostics;
using System.Text;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Registry;
using McrExport.Registry.Auth;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace McrExport.Tests.Network;

/// <summary>
/// Every body is timed and bounded: a manifest, token or tag page that trickles in fails within the stall timeout,
/// and an endless <c>Link</c> chain ends at a bound and says the list is incomplete.
/// </summary>
public sealed class BoundedBodyTests
{
    /// <summary>Answers 200 with the headers at once, then one byte of <paramref name="body"/> every 300 ms.</summary>
    private static RequestDelegate Trickle(string body, string contentType = "application/json") => async context =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.FlushAsync(context.RequestAborted);
        foreach (var b in bytes)
        {
            await context.Response.Body.WriteAsync(new[] { b }, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(300, context.RequestAborted);
        }
    };

    private static RegistryClient Client(FakeHost host, TimeSpan stall, int retries = 0) =>
        new(host.Authority, host.Authority, new HttpTransport(new TransportPolicy(), new TransportOptions { BodyStallTimeout = stall }),
            new ChainedCredentialSource(), new RetryPolicy(retries));

    [Fact]
    public async Task A_trickling_manifest_fails_the_export_within_the_stall_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await FakeHost.StartAsync(Loopback.Registry, ct);
        host.Map("/v2/", c => { c.Response.StatusCode = 200; return Task.CompletedTask; });
        host.Map("/v2/library/slow/manifests/1", Trickle(new string(' ', 200) + "{}", "application/vnd.oci.image.manifest.v1+json"));
        using var temp = new TempFolder();
        var clock = Stopwatch.StartNew();

        var result = await CliRunner.RunAsync([$"{host.Authority}/library/slow:1", "-o", temp.Combine("x.tar"), "--stall-timeout", "1",
            "--retries", "0"], cancellationToken: ct);

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        Assert.Contains("did not arrive within 1 s", result.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_trickling_token_fails_within_the_stall_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await FakeHost.StartAsync(Loopback.Registry, ct);
        host.MapPrefix("/v2/", c =>
        {
            c.Response.StatusCode = 401;
            c.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{host.Url("/token")}\",service=\"x\"";
            return Task.CompletedTask;
        });
        host.Map("/token", Trickle("{\"token\":\"" + new string('a', 100) + "\"}"));
        var client = Client(host, TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<NetworkException>(() => client.GetManifestAsync("library/x", "1", ct));

        Assert.Contains("the token from", e.Message);
        Assert.Contains("did not arrive within 1 s", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_trickling_tag_page_fails_within_the_stall_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await FakeHost.StartAsync(Loopback.Registry, ct);
        host.Map("/v2/library/x/tags/list", Trickle("{\"name\":\"library/x\",\"tags\":[\"" + new string('a', 100) + "\"]}"));
        var client = Client(host, TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<NetworkException>(() => client.ListTagsAsync("library/x", ct));

        Assert.Contains("tags of library/x", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_trickling_error_body_does_not_hold_the_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await FakeHost.StartAsync(Loopback.Registry, ct);
        host.Map("/v2/library/x/manifests/1", async c =>
        {
            c.Response.StatusCode = 404;
            await Trickle(new string(' ', 200))(c);
        });
        var client = Client(host, TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<NotFoundException>(() => client.GetManifestAsync("library/x", "1", ct));

        Assert.True(clock.Elapsed < RegistryClient.ErrorBodyStall + TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    /// <summary>Every page names one tag and links to the next, for ever.</summary>
    private static async Task<FakeHost> EndlessAsync(int tagBytes, CancellationToken ct)
    {
        var host = await FakeHost.StartAsync(Loopback.Registry, ct);
        host.Map("/v2/library/x/tags/list", async c =>
        {
            var n = int.TryParse(c.Request.Query["last"], out var last) ? last + 1 : 0;
            c.Response.Headers["Link"] = $"</v2/library/x/tags/list?n=1000&last={n}>; rel=\"next\"";
            c.Response.ContentType = "application/json";
            var tag = $"t{n}" + new string('x', tagBytes);
            await c.Response.WriteAsync($"{{\"name\":\"library/x\",\"tags\":[\"{tag}\"]}}", c.RequestAborted);
        });
        return host;
    }

    [Fact]
    public async Task An_endless_link_chain_stops_at_the_page_bound_and_says_the_list_is_incomplete()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await EndlessAsync(0, ct);
        var client = Client(host, TimeSpan.FromSeconds(5));

        var listing = await client.ListTagsBoundedAsync("library/x", ct, new TagListLimits(MaxPages: 200));
        var e = await Assert.ThrowsAsync<IncompleteTagListException>(() => client.ListTagsAsync("library/x", ct));

        Assert.True(listing.Incomplete);
        Assert.Equal(200, listing.Pages);
        Assert.Equal(200, listing.Tags.Count);
        Assert.Contains("stopped after 200 pages", listing.Reason);
        Assert.Equal(200 + TagListLimits.Default.MaxPages, host.CountRequests("/v2/library/x/tags/list"));
        Assert.Equal(TagListLimits.Default.MaxPages, e.Listing.Tags.Count);
        Assert.Contains("the list is incomplete", e.Message);
        Assert.Equal(ExitCodes.Failure, e.ExitCode);
    }

    [Fact]
    public async Task An_endless_chain_of_large_pages_stops_at_the_byte_bound_in_flat_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await EndlessAsync(100, ct);
        var client = Client(host, TimeSpan.FromSeconds(5));
        var limits = new TagListLimits(MaxPages: 1_000_000, MaxPageBytes: 4096, MaxBytes: 64 * 1024);

        var listing = await client.ListTagsBoundedAsync("library/x", ct, limits);

        Assert.True(listing.Incomplete);
        Assert.Contains("bytes of tag lists", listing.Reason);
        Assert.InRange(listing.Pages, 100, 64 * 1024 / 100);
    }

    [Fact]
    public async Task The_tags_command_exits_non_zero_when_the_list_is_incomplete()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await EndlessAsync(0, ct);

        var result = await CliRunner.RunAsync(["tags", $"{host.Authority}/library/x"], cancellationToken: ct);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("the list is incomplete (stopped after 10000 pages", result.Error);
    }
}
