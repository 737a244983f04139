using McrExport.Model;
using McrExport.Tests.AirGap;
using McrExport.Tests.Fakes;

namespace McrExport.Tests.Network;

/// <summary>
/// A company network as the export machine sees it: only the forward proxy (127.0.0.6) knows the <c>*.corp.test</c>
/// names. Behind it, a real distribution registry sits behind a redirecting token-auth front
/// (<c>registry.corp.test</c>), whose token realm is <c>auth.corp.test</c> (Basic credentials required) and whose blob
/// GETs go to plain-http storage (<c>storage.corp.test</c>); the image's foreign base layer points at an fwlink-style
/// redirector (<c>fwlink.corp.test</c>) that sends it on to a CDN (<c>cdn.corp.test</c>). The proxy wants credentials.
/// </summary>
public sealed class ProxiedScenario : IAsyncDisposable
{
    public const string Repository = "windows/servercore";
    public const string Tag = "ltsc2019";
    public const string User = "alice";
    public const string Password = "s3cret";
    public const string ProxyUser = "corp";
    public const string ProxyPassword = "pr0xy:pw@1";

    private readonly List<IAsyncDisposable> _parts;

    private ProxiedScenario(List<IAsyncDisposable> parts) => _parts = parts;

    public ForwardProxy Proxy { get; private init; } = null!;
    public RegistryPeer Registry { get; private init; } = null!;
    public RedirectingTokenFront Front { get; private init; } = null!;
    public FakeTokenService Tokens { get; private init; } = null!;
    public StorageHost Storage { get; private init; } = null!;
    public FakeRedirector Fwlink { get; private init; } = null!;
    public FakeCdn Cdn { get; private init; } = null!;
    public TestImage Image { get; private init; } = null!;

    public string RegistryName { get; private init; } = "";
    public string AuthName { get; private init; } = "";
    public string StorageName { get; private init; } = "";
    public string FwlinkName { get; private init; } = "";
    public string CdnName { get; private init; } = "";

    public string Reference => $"{RegistryName}/{Repository}:{Tag}";

    public Layer ForeignLayer => Image.Layers[0];

    /// <summary><c>http://corp:…@127.0.0.6:port</c>, the password percent-encoded.</summary>
    public string ProxyUrl =>
        $"http://{ProxyUser}:{Uri.EscapeDataString(ProxyPassword)}@{Proxy.Url.Authority}";

    /// <summary>The hosts that must be named insecure: the plain-http registry, its realm, the foreign URL's hosts (not the storage).</summary>
    public string[] InsecureArguments =>
        new[] { RegistryName, AuthName, FwlinkName, CdnName }.SelectMany(h => new[] { "--insecure-registry", h }).ToArray();

    public static async Task<ProxiedScenario> StartAsync(CancellationToken ct)
    {
        var parts = new List<IAsyncDisposable>();
        try
        {
            var proxy = ForwardProxy.Start();
            parts.Add(proxy);
            proxy.RequiredCredentials = (ProxyUser, ProxyPassword);
            var registry = await RegistryPeer.StartAsync(new RegistryPeerOptions
            {
                AllowedForeignUrls = [@"^http://fwlink\.corp\.test(:[0-9]+)?/"],
            }, ct);
            parts.Add(registry);
            var tokens = await FakeTokenService.StartAsync(Loopback.TokenServer, ct);
            parts.Add(tokens);
            tokens.RequiredCredentials = (User, Password);
            var authName = proxy.NameFor("auth", Loopback.TokenServer, tokens.Host.BaseUri.Port);
            var storage = await StorageHost.StartAsync(registry.BaseUri, Loopback.Cdn, cancellationToken: ct);
            parts.Add(storage);
            var storageName = proxy.NameFor("storage", Loopback.Cdn, storage.Host.BaseUri.Port);
            var front = await RedirectingTokenFront.StartAsync(registry.BaseUri, tokens, new Uri($"http://{authName}/token"),
                (repo, digest) => storage.UrlFor(storageName, repo, digest), Loopback.Registry, ct);
            parts.Add(front);
            var registryName = proxy.NameFor("registry", Loopback.Registry, front.Host.BaseUri.Port);
            var fwlink = await FakeRedirector.StartAsync(Loopback.Redirector, ct);
            parts.Add(fwlink);
            var fwlinkName = proxy.NameFor("fwlink", Loopback.Redirector, fwlink.BaseUri.Port);
            var cdn = await FakeCdn.StartAsync(Loopback.Cdn, cancellationToken: ct);
            parts.Add(cdn);
            var cdnName = proxy.NameFor("cdn", Loopback.Cdn, cdn.BaseUri.Port);

            var baseLayer = Layer.Random(64 * 1024, 17763);
            var cdnUrl = cdn.Publish(baseLayer.Bytes);
            var link = fwlink.AddLink(837859, new Uri($"http://{cdnName}{cdnUrl.PathAndQuery}"));
            var foreign = baseLayer.AsForeign(new Uri($"http://{fwlinkName}{link.PathAndQuery}"));
            var update = Layer.FromFiles(LayerFile.Text("Files/Windows/System32/update.txt", "cumulative update\r\n"));
            var image = TestImages.Image(new Platform("windows", "amd64", OsVersion: "10.0.17763.6532"), [foreign, update]);
            using (var seeder = new RegistrySeeder(registry.BaseUri)) await seeder.PushAsync(Repository, Tag, image, ct);

            return new ProxiedScenario(parts)
            {
                Proxy = proxy, Registry = registry, Front = front, Tokens = tokens, Storage = storage, Fwlink = fwlink, Cdn = cdn,
                Image = image, RegistryName = registryName, AuthName = authName, StorageName = storageName,
                FwlinkName = fwlinkName, CdnName = cdnName,
            };
        }
        catch
        {
            foreach (var part in Enumerable.Reverse(parts)) await part.DisposeAsync();
            throw;
        }
    }

    /// <summary>The environment of a shell behind this proxy.</summary>
    public Dictionary<string, string> ProxyEnvironment(string noProxy = "") => new()
    {
        ["HTTPS_PROXY"] = ProxyUrl,
        ["http_proxy"] = ProxyUrl,
        ["NO_PROXY"] = noProxy,
    };

    public string HostOf(string name) => name.Split(':')[0];

    public async ValueTask DisposeAsync()
    {
        foreach (var part in Enumerable.Reverse(_parts)) await part.DisposeAsync();
    }
}
