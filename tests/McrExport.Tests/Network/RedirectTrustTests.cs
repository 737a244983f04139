using McrExport.Errors;
using McrExport.Http;
using McrExport.Tests.AirGap;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Network;

/// <summary>
/// Redirects inherit the standing of the registry the user chose: a plain-http registry on loopback may send blobs to
/// its plain-http storage on another loopback host; a public https registry may not send them into a private network.
/// Foreign-layer URLs keep the strict rule. (The public cases are policy decisions: no test traffic leaves 127.0.0.0/8.)
/// </summary>
public sealed class RedirectTrustTests
{
    [Fact]
    public async Task A_loopback_registry_redirecting_blobs_to_plain_http_storage_on_127_0_0_3_needs_only_the_registry_named()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await RegistryPeer.StartAsync(ct);
        await using var tokens = await FakeTokenService.StartAsync(Loopback.TokenServer, ct);
        await using var storage = await StorageHost.StartAsync(registry.BaseUri, Loopback.Cdn, cancellationToken: ct);
        await using var front = await RedirectingTokenFront.StartAsync(registry.BaseUri, tokens, tokens.Realm,
            (repo, digest) => storage.UrlFor(storage.Host.Authority, repo, digest), Loopback.Registry, ct);
        var image = TestImages.Small("hello");
        using (var seeder = new RegistrySeeder(registry.BaseUri)) await seeder.PushAsync("library/hello", "1", image, ct);
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([
            $"{front.Host.Authority}/library/hello:1", "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache"),
            "--insecure-registry", front.Host.Authority, "--insecure-registry", tokens.Host.Authority,
        ], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.DoesNotContain(storage.Host.Authority, string.Join(" ", "--insecure-registry", front.Host.Authority, tokens.Host.Authority));
        Assert.Equal(image.Layers.Count + 1, storage.Host.Requests.Count(r => r.Status == 200));
        Assert.All(storage.Host.Requests, r => Assert.Null(r.Authorization));
        var files = TarContents.Read(temp.Combine("x.tar")).ToFiles();
        Assert.All(image.Layers, l => Assert.Equal(l.Bytes, files[$"blobs/sha256/{l.Digest.Encoded}"]));
    }

    [Fact]
    public async Task A_foreign_url_on_plain_http_storage_still_needs_its_host_named()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        await using var cdn = await FakeCdn.StartAsync(Loopback.Cdn, cancellationToken: ct);
        var layer = Layer.Random(2048, 3);
        var foreign = layer.AsForeign(cdn.Publish(layer.Bytes));
        registry.Push("windows/x", "1", TestImages.Image(new McrExport.Model.Platform("windows", "amd64", OsVersion: "10.0.17763.1"), [foreign]));
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([registry.Reference("windows/x", "1"), "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("c"),
            "--insecure-registry", registry.Authority], cancellationToken: ct);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains($"refusing plain http to {cdn.Host.Authority}", result.Error);
        Assert.Equal(0, cdn.Host.RequestsStarted);
    }

    private static readonly TransportPolicy Policy = new(["10.9.9.9:5000", "registry.corp.example"]);

    private static RequestOrigin Public => Policy.OriginFor("registry.example", "https", connectedInternal: false);

    [Theory]
    [InlineData("https://10.1.2.3/blob")]
    [InlineData("https://192.168.0.10:9000/bucket/blob")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://127.0.0.1/blob")]
    [InlineData("https://localhost/blob")]
    [InlineData("https://[fd00::1]/blob")]
    public void A_public_registry_redirecting_into_a_private_network_is_refused(string target)
    {
        var e = Assert.Throws<PolicyException>(() => Policy.CheckHop(new Uri(target), new Uri("https://registry.example/v2/a/blobs/sha256:x"), Public));

        Assert.Contains("--insecure-registry", e.Message);
    }

    [Fact]
    public void A_public_registry_redirecting_to_a_public_name_may_not_connect_to_internal_addresses()
    {
        var permission = Policy.CheckHop(new Uri("https://storage.example/blob"), new Uri("https://registry.example/v2/x"), Public);

        Assert.False(permission.AllowInternalAddresses);
    }

    [Fact]
    public void A_public_registry_may_redirect_into_a_private_network_when_the_target_is_named()
    {
        var permission = Policy.CheckHop(new Uri("https://10.9.9.9:5000/blob"), new Uri("https://registry.example/v2/x"), Public);

        Assert.True(permission.AllowInternalAddresses);
    }

    [Theory]
    [InlineData("https://10.1.2.3/blob")]
    [InlineData("https://storage.internal/blob")]
    public void A_registry_on_a_private_address_may_redirect_to_private_storage_over_https(string target)
    {
        var byAddress = Policy.OriginFor("10.0.0.5:5000", "https", connectedInternal: null);
        var byConnection = Policy.OriginFor("registry.internal", "https", connectedInternal: true);

        Assert.True(Policy.CheckHop(new Uri(target), new Uri("https://10.0.0.5:5000/v2/x"), byAddress).AllowInternalAddresses);
        Assert.True(Policy.CheckHop(new Uri(target), new Uri("https://registry.internal/v2/x"), byConnection).AllowInternalAddresses);
        Assert.Throws<PolicyException>(() => Policy.CheckHop(new Uri(target.Replace("https", "http")), null, byAddress));
    }

    [Fact]
    public void A_registry_named_insecure_passes_plain_http_and_private_targets_on_but_never_https_to_http()
    {
        var insecure = Policy.OriginFor("registry.corp.example", "http", connectedInternal: false);

        Assert.True(Policy.CheckHop(new Uri("http://10.1.1.1:9000/blob"), new Uri("http://registry.corp.example/v2/x"), insecure).AllowInternalAddresses);
        var e = Assert.Throws<PolicyException>(() =>
            Policy.CheckHop(new Uri("http://minio.corp.example/blob"), new Uri("https://cdn.corp.example/x"), insecure));
        Assert.Contains("https to plain http", e.Message);
    }

    [Fact]
    public void Content_urls_keep_the_strict_rule_whatever_the_registry()
    {
        Assert.Throws<PolicyException>(() => Policy.CheckHop(new Uri("http://storage.example/blob"), null, RequestOrigin.Content));
        Assert.Throws<PolicyException>(() => Policy.CheckHop(new Uri("https://10.1.2.3/blob"), null, RequestOrigin.Content));
        Assert.False(Policy.CheckHop(new Uri("https://cdn.example/blob"), null, RequestOrigin.Content).AllowInternalAddresses);
    }

    [Fact]
    public void Where_the_socket_connects_only_public_addresses_of_a_name_are_used_unless_the_standing_allows_more()
    {
        System.Net.IPAddress[] mixed = [System.Net.IPAddress.Parse("10.0.0.7"), System.Net.IPAddress.Parse("93.184.216.34")];
        System.Net.IPAddress[] rebound = [System.Net.IPAddress.Parse("127.0.0.1")];

        Assert.Equal([mixed[1]], GuardedConnector.Allowed("cdn.example", 443, mixed, unrestricted: false));
        Assert.Equal(mixed, GuardedConnector.Allowed("cdn.example", 443, mixed, unrestricted: true));
        var e = Assert.Throws<PolicyException>(() => GuardedConnector.Allowed("rebind.example", 443, rebound, unrestricted: false));
        Assert.Contains("resolves to the internal address 127.0.0.1", e.Message);
    }
}

/// <summary>A segmented download asks the storage URL again for each range: the registry's standing goes with it.</summary>
public sealed class SegmentedRedirectTrustTests
{
    [Fact]
    public async Task Ranges_asked_of_plain_http_storage_directly_keep_the_registry_standing_and_get_no_credentials()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = McrExport.Tests.Transfer.BigLayers.Eighty;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        await using var storage = await registry.StartCdnAsync(Loopback.Cdn, ct);
        registry.UseBasicAuth("bob", "pw");
        registry.Push("library/big", "1", TestImages.Image(new McrExport.Model.Platform("linux", "amd64"), [layer]));
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([registry.Reference("library/big", "1"), "-o", temp.Combine("x.tar"),
            "--cache-dir", temp.Combine("cache"), "--username", "bob", "--password-stdin"], stdin: "pw", cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var direct = storage.Host.Requests.Where(r => r.Path.Contains(layer.Digest.Encoded, StringComparison.Ordinal)).ToList();
        Assert.True(direct.Count > 1, $"{direct.Count} range requests reached the storage host");
        Assert.All(storage.Host.Requests, r => Assert.Null(r.Authorization));
        Assert.Equal(layer.Size, registry.BytesServed(layer.Digest));
    }
}
