using System.Net;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>Redirects and foreign URLs: http(s) only, at most 10 hops, no downgrade, internal hosts only when named.</summary>
public sealed class RedirectPolicyTests
{
    /// <summary>A host where <c>/hop?n=N</c> redirects to <c>/hop?n=N-1</c> and <c>/hop?n=0</c> answers 200.</summary>
    private static async Task<FakeHost> StartChainAsync(CancellationToken ct)
    {
        var host = await FakeHost.StartAsync(Loopback.Redirector, ct);
        host.Map("/hop", context =>
        {
            var n = int.Parse(context.Request.Query["n"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            if (n == 0) context.Response.StatusCode = StatusCodes.Status200OK;
            else
            {
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = $"/hop?n={n - 1}";
            }
            return Task.CompletedTask;
        });
        host.Map("/loop", context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = "/loop";
            return Task.CompletedTask;
        });
        return host;
    }

    private static Task<HttpResponseMessage> GetAsync(HttpTransport transport, Uri uri, CancellationToken ct) =>
        transport.SendAsync(HttpMethod.Get, uri, null, null, null, ct);

    [Fact]
    public async Task Ten_redirects_are_followed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartChainAsync(ct);
        using var transport = new HttpTransport(new TransportPolicy([host.Authority]));

        using var response = await GetAsync(transport, host.Url("/hop?n=10"), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(11, host.Requests.Count);
    }

    [Fact]
    public async Task An_eleventh_redirect_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartChainAsync(ct);
        using var transport = new HttpTransport(new TransportPolicy([host.Authority]));

        var e = await Assert.ThrowsAsync<PolicyException>(() => GetAsync(transport, host.Url("/hop?n=11"), ct));

        Assert.Contains("too many redirects", e.Message);
        Assert.Equal(11, host.Requests.Count);
    }

    [Fact]
    public async Task A_redirect_loop_ends_after_ten_hops()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await StartChainAsync(ct);
        using var transport = new HttpTransport(new TransportPolicy([host.Authority]));

        var e = await Assert.ThrowsAsync<PolicyException>(() => GetAsync(transport, host.Url("/loop"), ct));

        Assert.Contains("more than 10", e.Message);
        Assert.Equal(ExitCodes.Failure, e.ExitCode);
        Assert.Equal(11, host.Requests.Count);
    }

    [Fact]
    public async Task A_plain_http_redirect_to_a_host_not_named_insecure_is_refused_before_contact()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var canary = await FakeHost.StartAsync(Loopback.Canary, ct);
        await using var redirector = await FakeRedirector.StartAsync(Loopback.Redirector, ct);
        var link = redirector.AddLink(1, canary.Url("/secret"));
        using var transport = new HttpTransport(new TransportPolicy([redirector.Host.Authority]));

        var e = await Assert.ThrowsAsync<PolicyException>(() => GetAsync(transport, link, ct));

        Assert.Contains(canary.Authority, e.Message);
        Assert.Contains("--insecure-registry", e.Message);
        Assert.Equal(0, canary.RequestsStarted);
        Assert.Single(redirector.Host.Requests);
    }

    [Theory]
    [InlineData("http://cdn.invalid/blob", "https://registry.invalid/v2/x")]
    [InlineData("http://registry.invalid/v2/y", "https://registry.invalid/v2/x")]
    public void Https_to_http_is_refused_even_for_hosts_named_insecure(string target, string from)
    {
        var policy = new TransportPolicy(["cdn.invalid", "registry.invalid"]);

        var e = Assert.Throws<PolicyException>(() => policy.CheckTarget(new Uri(target), new Uri(from)));
        var trusted = Assert.Throws<PolicyException>(() => policy.CheckTarget(new Uri(target), new Uri(from), "registry.invalid"));

        Assert.Contains("https to plain http", e.Message);
        Assert.Contains("https to plain http", trusted.Message);
    }

    [Fact]
    public void Https_to_https_and_http_to_an_insecure_host_are_allowed()
    {
        var policy = new TransportPolicy(["cdn.invalid:8080"]);

        policy.CheckTarget(new Uri("https://cdn.example/blob"), new Uri("https://registry.example/v2/x"));
        policy.CheckTarget(new Uri("http://cdn.invalid:8080/blob"), new Uri("http://registry.invalid/v2/x"));
        Assert.Throws<PolicyException>(() => policy.CheckTarget(new Uri("http://cdn.invalid:8081/blob"), null));
    }

    [Theory]
    [InlineData("https://10.0.0.1/blob")]
    [InlineData("https://192.168.1.1/blob")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://127.0.0.1/blob")]
    [InlineData("https://[::1]/blob")]
    [InlineData("https://[fe80::1]/blob")]
    [InlineData("https://localhost/blob")]
    [InlineData("https://0.0.0.0/blob")]
    public void Internal_addresses_need_the_insecure_option(string url)
    {
        var uri = new Uri(url);

        var e = Assert.Throws<PolicyException>(() => new TransportPolicy().CheckForeignUrl(url));
        new TransportPolicy([$"{uri.Host}:{uri.Port}"]).CheckForeignUrl(url);

        Assert.Contains("--insecure-registry", e.Message);
    }

    [Theory]
    [InlineData("file:///etc/passwd", "only http and https")]
    [InlineData("ftp://ftp.example/layer.tar.gz", "only http and https")]
    [InlineData("data:application/octet-stream;base64,AAAA", "only http and https")]
    [InlineData("gopher://example/x", "only http and https")]
    [InlineData("relative/path", "not an absolute URL")]
    [InlineData("", "not an absolute URL")]
    [InlineData("https://user:secret@cdn.example/x", "credentials")]
    public void Foreign_urls_must_be_http_or_https(string url, string message)
    {
        var e = Assert.Throws<PolicyException>(() => new TransportPolicy(["ftp.example", "example"]).CheckForeignUrl(url));

        Assert.Contains(message, e.Message);
        Assert.DoesNotContain("secret", e.Message);
    }
}
