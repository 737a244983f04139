using McrExport.Errors;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>A manifest's foreign-layer <c>urls</c> are untrusted: nothing is fetched from a host the user did not name.</summary>
public sealed class ForeignUrlTests
{
    private static async Task<(FakeRegistry Registry, Layer Foreign)> StartWithForeignLayerAsync(IEnumerable<string> urls, CancellationToken ct)
    {
        var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var foreign = Layer.Random(2048, 7) with { MediaType = MediaTypes.DockerForeignLayerGzip, Urls = urls.ToList() };
        var image = TestImages.Image(new Platform("windows", "amd64", OsVersion: "10.0.17763.1"), [foreign]);
        registry.Push("windows/evil", "1", image);
        return (registry, foreign);
    }

    [Fact]
    public async Task A_url_pointing_at_a_loopback_listener_not_named_insecure_sees_no_request()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var canary = await FakeHost.StartAsync(Loopback.Canary, ct);
        var (registry, _) = await StartWithForeignLayerAsync(
            [canary.Url("/layer").ToString(), $"https://{canary.Authority}/layer", $"https://localhost:{canary.BaseUri.Port}/layer"], ct);
        await using var __ = registry;
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([registry.Reference("windows/evil", "1"), "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache")], cancellationToken: ct);

        Assert.NotEqual(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("--insecure-registry", result.Error);
        Assert.Equal(0, canary.RequestsStarted);
        Assert.False(File.Exists(temp.Combine("x.tar")));
    }

    [Fact]
    public async Task File_ftp_and_data_urls_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, _) = await StartWithForeignLayerAsync(["file:///etc/passwd", "ftp://127.0.0.1/layer", "data:;base64,AAAA"], ct);
        await using var __ = registry;
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([registry.Reference("windows/evil", "1"), "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache")], cancellationToken: ct);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("refusing file:", result.Error);
        Assert.Contains("refusing ftp:", result.Error);
        Assert.Contains("refusing data:", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_url_on_a_host_named_insecure_is_fetched_without_credentials()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cdn = await FakeCdn.StartAsync(Loopback.Cdn, cancellationToken: ct);
        var bytes = Layer.Random(2048, 7).Bytes;
        var url = cdn.Publish(bytes);
        var (registry, foreign) = await StartWithForeignLayerAsync([url.ToString()], ct);
        await using var __ = registry;
        registry.UseBasicAuth("bob", "pw");
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([
            registry.Reference("windows/evil", "1"), "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache"),
            "--insecure-registry", cdn.Host.Authority, "--username", "bob", "--password-stdin",
        ], stdin: "pw\n", cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(foreign.Bytes, TarContents.Read(temp.Combine("x.tar")).ToFiles()[$"blobs/sha256/{foreign.Digest.Encoded}"]);
        Assert.NotEmpty(cdn.Host.Requests);
        Assert.All(cdn.Host.Requests, r => Assert.Null(r.Authorization));
        Assert.Contains(registry.Requests, r => r.Authorization?.StartsWith("Basic ", StringComparison.Ordinal) == true);
    }
}
