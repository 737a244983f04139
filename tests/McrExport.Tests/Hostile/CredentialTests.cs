using McrExport.Errors;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>Credentials go to the registry and its token realm only; a realm must be https or named insecure.</summary>
public sealed class CredentialTests
{
    private static string[] Insecure(params string[] authorities) => authorities.SelectMany(a => new[] { "--insecure-registry", a }).ToArray();

    [Fact]
    public async Task Basic_credentials_reach_only_the_registry_realm_and_never_the_cdn_or_foreign_hosts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct, foreignLayerSize: 4096);
        await using var tokens = await FakeTokenService.StartAsync(Loopback.TokenServer, ct);
        tokens.RequiredCredentials = ("alice", "s3cret");
        scenario.Registry.UseBearerAuth(tokens);
        scenario.Registry.RedirectBlobsTo(scenario.Cdn);
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([
            scenario.Reference, "--os-version", "10.0.17763", "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache"),
            "--username", "alice", "--password-stdin",
            .. Insecure(scenario.Fwlink.Host.Authority, scenario.Cdn.Host.Authority, tokens.Host.Authority),
        ], stdin: "s3cret\n", cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.NotEmpty(tokens.Requests);
        Assert.All(tokens.Requests, r => Assert.Equal("alice", r.BasicUser));
        Assert.All(scenario.Registry.Requests, r => Assert.False(r.Authorization?.StartsWith("Basic", StringComparison.OrdinalIgnoreCase) == true));
        Assert.Contains(scenario.Registry.Requests, r => r.Authorization?.StartsWith("Bearer ", StringComparison.Ordinal) == true);
        Assert.NotEmpty(scenario.Cdn.Host.Requests);
        Assert.NotEmpty(scenario.Fwlink.Host.Requests);
        Assert.All(scenario.Cdn.Host.Requests, r => Assert.Null(r.Authorization));
        Assert.All(scenario.Fwlink.Host.Requests, r => Assert.Null(r.Authorization));
        Assert.Equal(0, scenario.Canary.RequestsStarted);
        Assert.DoesNotContain("s3cret", result.Error);
    }

    [Fact]
    public async Task A_redirect_target_on_another_host_gets_no_authorization()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        await using var cdn = await registry.StartCdnAsync(Loopback.Cdn, ct);
        registry.UseBasicAuth("bob", "pw");
        registry.Push("library/hello", "1", TestImages.Small("hello"));
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([
            registry.Reference("library/hello", "1"), "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache"),
            "--username", "bob", "--password-stdin", .. Insecure(cdn.Host.Authority),
        ], stdin: "pw", cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.NotEmpty(cdn.Host.Requests);
        Assert.All(cdn.Host.Requests, r => Assert.Null(r.Authorization));
        Assert.Contains(registry.Requests, r => r.Authorization == "Basic Ym9iOnB3");
    }

    [Fact]
    public async Task A_token_realm_over_http_on_another_host_is_refused_unless_named_insecure()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        await using var tokens = await FakeTokenService.StartAsync(Loopback.TokenServer, ct);
        registry.UseBearerAuth(tokens);
        registry.Push("library/hello", "1", TestImages.Small("hello"));
        string[] inspect = ["inspect", registry.Reference("library/hello", "1")];

        var refused = await CliRunner.RunAsync(inspect, cancellationToken: ct);

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("token realm", refused.Error);
        Assert.Contains(tokens.Host.Authority, refused.Error);
        Assert.Equal(0, tokens.Host.RequestsStarted);

        var allowed = await CliRunner.RunAsync([.. inspect, .. Insecure(tokens.Host.Authority)], cancellationToken: ct);

        Assert.True(allowed.ExitCode == 0, allowed.Error);
        Assert.Single(tokens.Requests);
    }
}
