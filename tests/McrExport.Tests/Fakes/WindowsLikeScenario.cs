using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>
/// <c>windows/servercore:ltsc2019</c> laid out the way MCR serves it: a Docker manifest list of windows/amd64 schema2
/// images (os.version 10.0.17763.6532, 10.0.17763.5458, 10.0.20348.2849), each with a foreign base layer whose
/// <c>urls</c> point at an fwlink host (127.0.0.2) that 302-redirects to a CDN host (127.0.0.3), and an ordinary
/// second layer in the registry (127.0.0.1). The registry answers the foreign blobs 404 BLOB_UNKNOWN. A canary host
/// (127.0.0.4) is up and referenced by nothing. The CDN shares the registry's faults and byte counters.
/// </summary>
public sealed class WindowsLikeScenario : IAsyncDisposable
{
    public const string Repository = "windows/servercore";
    public const string Tag = "ltsc2019";

    public static readonly IReadOnlyList<(string OsVersion, int LinkId)> Versions =
    [
        ("10.0.17763.6532", 837859),
        ("10.0.17763.5458", 837858),
        ("10.0.20348.2849", 2168931),
    ];

    private WindowsLikeScenario(FakeRegistry registry, FakeRedirector fwlink, FakeCdn cdn, FakeHost canary,
        IReadOnlyList<WindowsImageEntry> entries, TestIndex manifestList)
    {
        Registry = registry;
        Fwlink = fwlink;
        Cdn = cdn;
        Canary = canary;
        Entries = entries;
        ManifestList = manifestList;
    }

    public FakeRegistry Registry { get; }

    public FakeRedirector Fwlink { get; }

    public FakeCdn Cdn { get; }

    /// <summary>A listener nothing should contact.</summary>
    public FakeHost Canary { get; }

    public IReadOnlyList<WindowsImageEntry> Entries { get; }

    public TestIndex ManifestList { get; }

    public Digest ManifestListDigest => ManifestList.Digest;

    /// <summary><c>127.0.0.1:port/windows/servercore:ltsc2019</c>.</summary>
    public string Reference => Registry.Reference(Repository, Tag);

    /// <summary><c>127.0.0.1:port/windows/servercore@sha256:…</c> of the manifest list.</summary>
    public string DigestReference => Registry.Reference(Repository, ManifestListDigest.ToString());

    public WindowsImageEntry Entry(string osVersion) => Entries.Single(e => e.OsVersion == osVersion);

    /// <summary>Starts the four hosts and seeds them. <paramref name="foreignLayerSize"/> is each base layer's payload.</summary>
    public static async Task<WindowsLikeScenario> StartAsync(CancellationToken cancellationToken, int foreignLayerSize = 1 << 20)
    {
        var started = new List<IAsyncDisposable>();
        try
        {
            var registry = await FakeRegistry.StartAsync(Loopback.Registry, cancellationToken);
            started.Add(registry);
            var fwlink = await FakeRedirector.StartAsync(Loopback.Redirector, cancellationToken);
            started.Add(fwlink);
            var cdn = await FakeCdn.StartAsync(Loopback.Cdn, registry.Faults, registry.Traffic, cancellationToken);
            started.Add(cdn);
            var canary = await FakeHost.StartAsync(Loopback.Canary, cancellationToken);
            started.Add(canary);

            var entries = new List<WindowsImageEntry>();
            var seed = 17763;
            foreach (var (osVersion, linkId) in Versions)
            {
                var baseLayer = Layer.Random(foreignLayerSize, seed++);
                var cdnUrl = cdn.Publish(baseLayer.Bytes);
                var linkUri = fwlink.AddLink(linkId, cdnUrl);
                var foreign = baseLayer.AsForeign(linkUri);
                var update = Layer.FromFiles(
                    LayerFile.Text($"Files/Windows/System32/update-{osVersion}.txt", $"cumulative update {osVersion}\r\n"),
                    LayerFile.Text("Files/License.txt", "test image\r\n"));
                var image = TestImages.Image(new Platform("windows", "amd64", OsVersion: osVersion), [foreign, update]);
                entries.Add(new WindowsImageEntry(osVersion, linkId, linkUri, image));
            }
            var list = TestImages.IndexOf(ManifestFormat.Docker, entries.Select(e => e.Image).ToArray());
            registry.Push(Repository, Tag, list);
            return new WindowsLikeScenario(registry, fwlink, cdn, canary, entries, list);
        }
        catch
        {
            foreach (var host in started) await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Canary.DisposeAsync();
        await Cdn.DisposeAsync();
        await Fwlink.DisposeAsync();
        await Registry.DisposeAsync();
    }
}
