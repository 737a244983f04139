using System.Text.Json;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Registry;

public sealed class InspectCommandTests
{
    [Fact]
    public async Task Json_lists_platforms_the_chosen_digest_and_layer_sources_without_downloading_layers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct, foreignLayerSize: 4096);
        var entry = scenario.Entry("10.0.17763.6532");

        var result = await CliRunner.RunAsync([
            "inspect", scenario.Reference, "--os-version", "10.0.17763", "--json",
            "--insecure-registry", scenario.Fwlink.Host.Authority, "--insecure-registry", scenario.Cdn.Host.Authority,
        ], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(scenario.ManifestListDigest.ToString(), root.GetProperty("indexDigest").GetString());
        Assert.Equal(entry.Image.ManifestDigest.ToString(), root.GetProperty("manifestDigest").GetString());
        var platforms = root.GetProperty("platforms").EnumerateArray().ToList();
        Assert.Equal(3, platforms.Count);
        var chosen = Assert.Single(platforms, p => p.GetProperty("chosen").GetBoolean());
        Assert.Equal("10.0.17763.6532", chosen.GetProperty("platform").GetProperty("osVersion").GetString());
        Assert.Equal(entry.Image.ManifestDigest.ToString(), chosen.GetProperty("digest").GetString());

        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(2, layers.Count);
        Assert.Equal(entry.ForeignLayer.Digest.ToString(), layers[0].GetProperty("digest").GetString());
        Assert.Equal(entry.ForeignLayer.Size, layers[0].GetProperty("size").GetInt64());
        Assert.Contains(entry.LinkUri.ToString(), layers[0].GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("url").GetString()));
        var registrySource = Assert.Single(layers[1].GetProperty("sources").EnumerateArray());
        Assert.Equal("registry", registrySource.GetProperty("kind").GetString());
        Assert.Equal(scenario.Registry.Authority, registrySource.GetProperty("host").GetString());

        var blobGets = scenario.Registry.Requests.Where(r => r.Path.Contains("/blobs/", StringComparison.Ordinal)).ToList();
        Assert.All(blobGets, r => Assert.EndsWith(entry.Image.ConfigDigest.ToString(), r.Path));
        Assert.Empty(scenario.Fwlink.Host.Requests);
        Assert.Empty(scenario.Cdn.Host.Requests);
    }

    [Fact]
    public async Task Text_output_names_the_manifest_and_every_layer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = TestImages.Small("hello");
        registry.Push("library/hello", "1", image);

        var result = await CliRunner.RunAsync(["inspect", registry.Reference("library/hello", "1")], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains(image.ManifestDigest.ToString(), result.Out);
        Assert.Contains(image.Layers[0].Digest.ToString(), result.Out);
        Assert.Contains("linux/amd64", result.Out);
        Assert.DoesNotContain(registry.Requests, r => r.Path.EndsWith(image.Layers[0].Digest.ToString(), StringComparison.Ordinal));
    }
}
