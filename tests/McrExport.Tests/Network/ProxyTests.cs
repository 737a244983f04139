using System.Diagnostics;
using McrExport.Errors;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Network;

/// <summary>
/// Behind a corporate proxy that alone resolves outside names: every request (registry, token realm, storage redirect,
/// foreign URL and its CDN redirect) goes through HTTPS_PROXY / HTTP_PROXY, the tool resolves none of those names itself,
/// credentials reach only the registry and its realm, and NO_PROXY hosts go direct.
/// </summary>
public sealed class ProxyTests
{
    [Fact]
    public async Task Export_in_every_format_goes_through_the_proxy_and_no_authorization_reaches_the_cdn_names()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await ProxiedScenario.StartAsync(ct);
        using var temp = new TempFolder();
        var foreignPath = $"blobs/sha256/{scenario.ForeignLayer.Digest.Encoded}";

        foreach (var format in new[] { "docker-tar", "oci", "oci-tar" })
        {
            var output = temp.Combine($"out-{format}");
            var result = await ToolProcess.RunAsync([
                scenario.Reference, "-f", format, "-o", output, "--cache-dir", temp.Combine($"cache-{format}"),
                "--username", ProxiedScenario.User, "--password-stdin", .. scenario.InsecureArguments,
            ], temp.Path, scenario.ProxyEnvironment(), stdin: ProxiedScenario.Password, cancellationToken: ct);

            Assert.True(result.ExitCode == 0, $"{format}: {result.StdErr}");
            var foreign = format == "oci"
                ? File.ReadAllBytes(Path.Combine(output, foreignPath))
                : TarContents.Read(output).ToFiles()[foreignPath];
            Assert.Equal(scenario.ForeignLayer.Bytes, foreign);
        }

        var requests = scenario.Proxy.Requests;
        foreach (var name in new[] { scenario.RegistryName, scenario.AuthName, scenario.StorageName, scenario.FwlinkName, scenario.CdnName })
            Assert.Contains(requests, r => r.ProxyAuthorized && $"{r.Host}:{r.Port}" == name);
        Assert.All(requests, r => Assert.EndsWith(".corp.test", r.Host));
        Assert.Contains(requests, r => !r.ProxyAuthorized);
        Assert.All(requests.Where(r => r.Host.StartsWith("registry.", StringComparison.Ordinal) && r.PathAndQuery!.Contains("/blobs/")),
            r => Assert.StartsWith("Bearer ", r.Authorization));
        Assert.All(requests.Where(r => r.Host.StartsWith("auth.", StringComparison.Ordinal)), r => Assert.StartsWith("Basic ", r.Authorization));
        Assert.All(requests.Where(r => r.Host is "storage.corp.test" or "fwlink.corp.test" or "cdn.corp.test"), r => Assert.Null(r.Authorization));
        Assert.NotEmpty(scenario.Storage.Host.Requests);
        Assert.All(scenario.Storage.Host.Requests, r => Assert.Null(r.Authorization));
        Assert.All(scenario.Cdn.Host.Requests, r => Assert.Null(r.Authorization));
        Assert.All(scenario.Fwlink.Host.Requests, r => Assert.Null(r.Authorization));
        Assert.All(scenario.Tokens.Requests, r => Assert.Equal(ProxiedScenario.User, r.BasicUser));
    }

    [Fact]
    public async Task A_no_proxy_host_goes_direct_and_a_name_only_the_proxy_knows_fails_fast_and_clearly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await ProxiedScenario.StartAsync(ct);
        using var temp = new TempFolder();
        var clock = Stopwatch.StartNew();

        var result = await ToolProcess.RunAsync([
            scenario.Reference, "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache"),
            "--username", ProxiedScenario.User, "--password-stdin", .. scenario.InsecureArguments,
        ], temp.Path, scenario.ProxyEnvironment(noProxy: $"localhost,.storage.corp.test, 10.0.0.0/8"), stdin: ProxiedScenario.Password,
            cancellationToken: ct);

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        Assert.Contains("cannot resolve host storage.corp.test", result.StdErr);
        Assert.DoesNotContain("attempts", result.StdErr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.DoesNotContain(scenario.Proxy.Requests, r => r.Host == "storage.corp.test");
        Assert.Contains(scenario.Proxy.Requests, r => r.Host == "registry.corp.test");
        Assert.Empty(scenario.Storage.Host.Requests);
        Assert.False(File.Exists(temp.Combine("x.tar")));
    }

    [Fact]
    public async Task Loopback_registries_are_never_sent_to_the_proxy()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var proxy = ForwardProxy.Start();
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("library/hello", "1", TestImages.Small("hello"));
        using var temp = new TempFolder();

        var result = await ToolProcess.RunAsync([registry.Reference("library/hello", "1"), "-o", temp.Combine("x.tar")], temp.Path,
            new Dictionary<string, string> { ["HTTPS_PROXY"] = proxy.Url.ToString(), ["HTTP_PROXY"] = proxy.Url.ToString() },
            cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Empty(proxy.Requests);
        Assert.NotEmpty(registry.Requests);
    }

    [Fact]
    public async Task A_proxy_url_that_is_not_one_is_a_usage_error_without_its_password()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();

        var result = await ToolProcess.RunAsync(["inspect", "registry.corp.test/a:1"], temp.Path,
            new Dictionary<string, string> { ["HTTPS_PROXY"] = "ftp://user:hunter2@proxy.corp.test:21" }, cancellationToken: ct);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("HTTPS_PROXY", result.StdErr);
        Assert.DoesNotContain("hunter2", result.StdErr);
    }
}
