using Xunit;
using System.Text.Json;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;

namespace McrExport.Tests.EndToEnd;

/// <summary>
/// <c>mcr-export servercore:ltsc2019 --format docker-tar</c> against a registry laid out as MCR serves it: a Windows
/// manifest list with os.version entries, a schema2 manifest whose base layer is foreign (404 at the registry) and
/// fetched through an fwlink-style redirect to a CDN host.
/// </summary>
public sealed class WindowsExportTests
{
    private static string[] Hosts(WindowsLikeScenario s) =>
        ["--insecure-registry", s.Fwlink.Host.Authority, "--insecure-registry", s.Cdn.Host.Authority];

    [Fact]
    public async Task Docker_tar_holds_the_foreign_layer_fetched_through_the_redirect()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct);
        using var temp = new TempFolder();
        var output = temp.Combine("servercore.tar");

        var result = await CliRunner.RunAsync(
            [scenario.Reference, "--os-version", "10.0.17763", "-o", output, "--cache-dir", temp.Combine("cache"), .. Hosts(scenario)],
            cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var entry = scenario.Entry("10.0.17763.6532");
        var files = TarContents.Read(output).ToFiles();
        Assert.Equal(entry.ForeignLayer.Bytes, files[$"blobs/sha256/{entry.ForeignLayer.Digest.Encoded}"]);
        Assert.Equal(entry.RegistryLayer.Bytes, files[$"blobs/sha256/{entry.RegistryLayer.Digest.Encoded}"]);
        Assert.Equal(entry.Image.ManifestBytes, files[$"blobs/sha256/{entry.Image.ManifestDigest.Encoded}"]);
        Assert.Equal(entry.Image.ConfigBytes, files[$"blobs/sha256/{entry.Image.ConfigDigest.Encoded}"]);

        using var manifest = JsonDocument.Parse(files["manifest.json"]);
        var image = manifest.RootElement[0];
        Assert.Equal($"blobs/sha256/{entry.Image.ConfigDigest.Encoded}", image.GetProperty("Config").GetString());
        Assert.Equal($"{scenario.Registry.Authority}/windows/servercore:ltsc2019", image.GetProperty("RepoTags")[0].GetString());
        var sources = image.GetProperty("LayerSources");
        var foreignSource = sources.GetProperty(entry.ForeignLayer.DiffId.ToString());
        Assert.Equal(entry.LinkUri.ToString(), foreignSource.GetProperty("urls")[0].GetString());
        Assert.Single(sources.EnumerateObject());

        using var index = JsonDocument.Parse(files["index.json"]);
        var descriptor = index.RootElement.GetProperty("manifests")[0];
        Assert.Equal(entry.Image.ManifestDigest.ToString(), descriptor.GetProperty("digest").GetString());
        Assert.Equal("10.0.17763.6532", descriptor.GetProperty("platform").GetProperty("os.version").GetString());

        Assert.Contains(scenario.Fwlink.Host.Requests, r => r.Path.StartsWith("/fwlink", StringComparison.Ordinal));
        Assert.Contains(scenario.Cdn.Host.Requests, r => r.Method == "GET");
        Assert.All(scenario.Fwlink.Host.Requests, r => Assert.Null(r.Authorization));
        Assert.All(scenario.Cdn.Host.Requests, r => Assert.Null(r.Authorization));
        Assert.Empty(scenario.Canary.Requests);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.partial"));
    }

    [Fact]
    public async Task Several_windows_versions_without_os_version_is_an_error_that_lists_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct, foreignLayerSize: 1024);
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync(
            [scenario.Reference, "--platform", "windows/amd64", "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache"), .. Hosts(scenario)],
            cancellationToken: ct);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("10.0.17763.6532", result.Error);
        Assert.Contains("10.0.20348.2849", result.Error);
        Assert.Contains("--os-version", result.Error);
        Assert.False(File.Exists(temp.Combine("x.tar")));
    }

    [Fact]
    public async Task Foreign_url_host_not_named_insecure_is_refused_and_nothing_is_written()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct, foreignLayerSize: 1024);
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync(
            [scenario.Reference, "--os-version", "10.0.20348", "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache")],
            cancellationToken: ct);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--insecure-registry", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Empty(scenario.Fwlink.Host.Requests);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(temp.Path), p => !p.EndsWith("cache", StringComparison.Ordinal));
    }
}
