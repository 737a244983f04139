using McrExport.Errors;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>UNAUTHORIZED, DENIED, MANIFEST_UNKNOWN and TOOMANYREQUESTS become messages a person can act on.</summary>
public sealed class RegistryRefusalTests
{
    private const string Repo = "windows/servercore";

    [Fact]
    public async Task Unauthorized_names_the_registry_and_suggests_logging_in()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.UseBasicAuth("bob", "pw");
        registry.Push(Repo, "ltsc2019", TestImages.Small("x"));

        var result = await CliRunner.RunAsync(["inspect", registry.Reference(Repo, "ltsc2019")], cancellationToken: ct);

        Assert.Equal(ExitCodes.Auth, result.ExitCode);
        Assert.Contains(registry.Authority, result.Error);
        Assert.Contains("UNAUTHORIZED", result.Error);
        Assert.Contains($"docker login {registry.Authority}", result.Error);
        Assert.Contains("--username", result.Error);
    }

    [Fact]
    public async Task Wrong_credentials_are_an_auth_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        await using var tokens = await FakeTokenService.StartAsync(Loopback.TokenServer, ct);
        tokens.RequiredCredentials = ("bob", "pw");
        registry.UseBearerAuth(tokens);
        registry.Push(Repo, "ltsc2019", TestImages.Small("x"));

        var result = await CliRunner.RunAsync([
            "inspect", registry.Reference(Repo, "ltsc2019"), "--username", "bob", "--password-stdin",
            "--insecure-registry", tokens.Host.Authority,
        ], stdin: "wrong", cancellationToken: ct);

        Assert.Equal(ExitCodes.Auth, result.ExitCode);
        Assert.Contains(registry.Authority, result.Error);
        Assert.Contains("refused the credentials", result.Error);
        Assert.DoesNotContain("wrong", result.Error);
    }

    [Theory]
    [InlineData(RegistryErrorStyle.Json, "DENIED")]
    [InlineData(RegistryErrorStyle.Xml, "Forbidden")]
    public async Task Denied_names_the_registry_and_suggests_logging_in(RegistryErrorStyle style, string code)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.ErrorStyle = style;
        registry.Push(Repo, "ltsc2019", TestImages.Small("x"));
        registry.DenyRepository(Repo);

        var result = await CliRunner.RunAsync(["inspect", registry.Reference(Repo, "ltsc2019")], cancellationToken: ct);

        Assert.Equal(ExitCodes.Auth, result.ExitCode);
        Assert.Contains(registry.Authority, result.Error);
        Assert.Contains(code, result.Error);
        Assert.Contains("docker login", result.Error);
    }

    [Theory]
    [InlineData(RegistryErrorStyle.Json)]
    [InlineData(RegistryErrorStyle.Xml)]
    public async Task Manifest_unknown_names_the_tag_and_the_closest_existing_tags(RegistryErrorStyle style)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.ErrorStyle = style;
        registry.TagPageSize = 2;
        var digest = registry.Push(Repo, "ltsc2019", TestImages.Small("x"));
        foreach (var tag in new[] { "ltsc2022", "ltsc2025", "1809", "latest", "20H2" }) registry.AddTag(Repo, tag, digest);

        var result = await CliRunner.RunAsync(["inspect", registry.Reference(Repo, "ltsc2016")], cancellationToken: ct);

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        var error = result.Error.Split('\n')[0];
        Assert.Contains($"{Repo}:ltsc2016", error);
        Assert.Contains("closest existing tags: ltsc2019, ltsc2022, ltsc2025", error);
        Assert.DoesNotContain("1809", error);
        Assert.Contains($"mcr-export tags {registry.Authority}/{Repo}", result.Error);
    }

    [Fact]
    public async Task Manifest_unknown_in_a_repository_with_no_similar_tag_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push(Repo, "ltsc2019", TestImages.Small("x"));

        var result = await CliRunner.RunAsync(["inspect", registry.Reference(Repo, "nanoserver-1709-amd64")], cancellationToken: ct);

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains("nanoserver-1709-amd64", result.Error);
        Assert.Contains("no tag like", result.Error);
    }

    [Fact]
    public async Task Name_unknown_is_not_found_and_names_the_repository()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);

        var result = await CliRunner.RunAsync(["inspect", registry.Reference("no/such", "1")], cancellationToken: ct);

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains("no/such:1", result.Error);
        Assert.Contains("NAME_UNKNOWN", result.Error);
    }

    [Fact]
    public async Task Too_many_requests_waits_per_retry_after_then_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push(Repo, "ltsc2019", TestImages.Small("x"));
        var path = $"/v2/{Repo}/manifests/ltsc2019";
        registry.Faults.Enqueue(path, Fault.TooManyRequests(retryAfterSeconds: 1));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await CliRunner.RunAsync(["inspect", registry.Reference(Repo, "ltsc2019"), "--retries", "2"], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"waited only {clock.Elapsed}");
        Assert.Equal(2, registry.RequestCount(path));
    }

    [Fact]
    public async Task Too_many_requests_beyond_the_retries_explains_the_rate_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push(Repo, "ltsc2019", TestImages.Small("x"));
        var path = $"/v2/{Repo}/manifests/ltsc2019";
        registry.Faults.Enqueue(path, Fault.TooManyRequests(retryAfterSeconds: 0), times: 5);

        var result = await CliRunner.RunAsync(["inspect", registry.Reference(Repo, "ltsc2019"), "--retries", "1"], cancellationToken: ct);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("rate-limiting", result.Error);
        Assert.Contains(registry.Authority, result.Error);
        Assert.Contains("hint: ", result.Error);
        Assert.Equal(2, registry.RequestCount(path));
    }
}
