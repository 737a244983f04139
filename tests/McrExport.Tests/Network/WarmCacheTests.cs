using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Network;

/// <summary>Warm means warm: a second export asks the registry for manifests (tags move) and for no blob at all.</summary>
public sealed class WarmCacheTests
{
    [Fact]
    public async Task A_second_export_of_an_image_sends_no_blob_request()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct, foreignLayerSize: 4096);
        scenario.Registry.RedirectBlobsTo(scenario.Cdn);
        using var temp = new TempFolder();
        string[] Args(string output) => [scenario.Reference, "--os-version", "10.0.17763", "-o", temp.Combine(output),
            "--cache-dir", temp.Combine("cache"), "--insecure-registry", scenario.Fwlink.Host.Authority,
            "--insecure-registry", scenario.Cdn.Host.Authority];

        var cold = await CliRunner.RunAsync(Args("cold.tar"), cancellationToken: ct);
        var blobsBefore = scenario.Registry.Requests.Count(r => r.Path.Contains("/blobs/", StringComparison.Ordinal));
        var manifestsBefore = scenario.Registry.Requests.Count(r => r.Path.Contains("/manifests/", StringComparison.Ordinal));
        var elsewhereBefore = scenario.Cdn.Host.Requests.Count + scenario.Fwlink.Host.Requests.Count;
        var warm = await CliRunner.RunAsync(Args("warm.tar"), cancellationToken: ct);

        Assert.True(cold.ExitCode == 0, cold.Error);
        Assert.True(warm.ExitCode == 0, warm.Error);
        Assert.True(blobsBefore >= 2, $"{blobsBefore} blob requests on the cold run");
        Assert.Equal(blobsBefore, scenario.Registry.Requests.Count(r => r.Path.Contains("/blobs/", StringComparison.Ordinal)));
        Assert.Equal(elsewhereBefore, scenario.Cdn.Host.Requests.Count + scenario.Fwlink.Host.Requests.Count);
        Assert.True(scenario.Registry.Requests.Count(r => r.Path.Contains("/manifests/", StringComparison.Ordinal)) > manifestsBefore,
            "the warm run asks for the manifests again");
        // The same entries with the same bytes; their order follows the order blobs completed (one-pass writing).
        var coldFiles = TarContents.Read(temp.Combine("cold.tar")).ToFiles();
        var warmFiles = TarContents.Read(temp.Combine("warm.tar")).ToFiles();
        Assert.Equal(coldFiles.Keys.Order(StringComparer.Ordinal), warmFiles.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in coldFiles) Assert.True(bytes.AsSpan().SequenceEqual(warmFiles[name]), $"{name} differs");
    }

    [Fact]
    public async Task A_config_in_the_cache_that_does_not_verify_is_fetched_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = TestImages.Small("hello");
        registry.Push("library/hello", "1", image);
        using var temp = new TempFolder();
        var configPath = temp.Combine("cache", "blobs", "sha256", image.ConfigDigest.Encoded);
        Directory.CreateDirectory(Path.GetDirectoryName(configPath)!);
        var forged = (byte[])image.ConfigBytes.Clone();
        forged[^2] ^= 1;
        File.WriteAllBytes(configPath, forged);

        var result = await CliRunner.RunAsync([registry.Reference("library/hello", "1"), "-o", temp.Combine("x.tar"),
            "--cache-dir", temp.Combine("cache")], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains(registry.Requests, r => r.Path.EndsWith(image.ConfigDigest.ToString(), StringComparison.Ordinal));
        Assert.Equal(image.ConfigBytes, TarContents.Read(temp.Combine("x.tar")).ToFiles()[$"blobs/sha256/{image.ConfigDigest.Encoded}"]);
    }
}
