using System.Text.Json;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.AirGap;

/// <summary>
/// The whole trip against the real distribution registry: export from one instance, verify, push into a second,
/// then read it back (mcr-export and the real Docker daemon) and compare digests and bytes.
/// </summary>
public sealed class AirGapRoundTripTests
{
    private static string[] Insecure(params string[] hosts) => hosts.SelectMany(h => new[] { "--insecure-registry", h }).ToArray();

    private static Dictionary<string, byte[]> Blobs(string tar) =>
        TarContents.Read(tar).ToFiles().Where(f => f.Key.StartsWith("blobs/", StringComparison.Ordinal) && !f.Key.EndsWith('/'))
            .ToDictionary(f => f.Key, f => f.Value);

    [Fact]
    public async Task Windows_image_exported_verified_pushed_and_exported_again_keeps_digest_blobs_and_foreign_layer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct, foreignLayerSize: 64 * 1024);
        await using var source = await RegistryPeer.StartAsync(ct);
        await using var target = await RegistryPeer.StartAsync(ct);
        using (var seeder = new RegistrySeeder(source.BaseUri))
            await seeder.PushAsync(WindowsLikeScenario.Repository, WindowsLikeScenario.Tag, scenario.ManifestList, ct);
        using var temp = new TempFolder();
        var hosts = Insecure(source.Authority, target.Authority, scenario.Fwlink.Host.Authority, scenario.Cdn.Host.Authority);
        var entry = scenario.Entry("10.0.17763.6532");

        var exported = await CliRunner.RunAsync([$"{source.Authority}/windows/servercore:ltsc2019", "--os-version", "10.0.17763",
            "-o", temp.Combine("servercore.tar"), "--cache-dir", temp.Combine("cache1"), .. hosts], cancellationToken: ct);
        Assert.True(exported.ExitCode == 0, exported.Error);

        var verified = await CliRunner.RunAsync(["verify", temp.Combine("servercore.tar")], cancellationToken: ct);
        Assert.True(verified.ExitCode == 0, verified.Error);
        Assert.Contains("windows/amd64", verified.Out);
        Assert.Contains(entry.Image.ManifestDigest.ToString(), verified.Out);

        var pushed = await CliRunner.RunAsync(["push", temp.Combine("servercore.tar"), $"{target.Authority}/windows/servercore:ltsc2019", .. hosts],
            cancellationToken: ct);
        Assert.True(pushed.ExitCode == 0, pushed.Error + target.Tail());
        Assert.Contains($"{target.Authority}/windows/servercore:ltsc2019@{entry.Image.ManifestDigest}", pushed.Out);
        Assert.Contains("1 foreign left foreign", pushed.Out);

        using (var reader = new RegistrySeeder(target.BaseUri))
        {
            Assert.Equal(entry.Image.ManifestBytes, await reader.GetManifestAsync("windows/servercore", "ltsc2019", ct));
            Assert.False(await reader.HasBlobAsync("windows/servercore", entry.Image.Layers[0].Digest, ct));
            Assert.True(await reader.HasBlobAsync("windows/servercore", entry.Image.Layers[1].Digest, ct));
        }

        var inspected = await CliRunner.RunAsync(["inspect", $"{target.Authority}/windows/servercore:ltsc2019", "--json", .. hosts], cancellationToken: ct);
        Assert.True(inspected.ExitCode == 0, inspected.Error);
        using (var json = JsonDocument.Parse(inspected.Out))
            Assert.Equal(entry.Image.ManifestDigest.ToString(), json.RootElement.GetProperty("manifestDigest").GetString());

        var again = await CliRunner.RunAsync([$"{target.Authority}/windows/servercore:ltsc2019", "-o", temp.Combine("again.tar"),
            "--cache-dir", temp.Combine("cache2"), .. hosts], cancellationToken: ct);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(Blobs(temp.Combine("servercore.tar")), Blobs(temp.Combine("again.tar")));
    }

    [Fact]
    public async Task Linux_image_pushed_from_an_archive_is_pulled_by_docker_with_the_config_digest_as_image_id()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await RegistryPeer.StartAsync(ct);
        await using var target = await RegistryPeer.StartAsync(ct);
        var image = TestImages.Image(new Platform("linux", "amd64"),
            [Layer.FromFiles(LayerFile.Text("etc/hello.txt", "hello\n")), Layer.FromFiles(LayerFile.Text("etc/world.txt", "world\n"))]);
        using (var seeder = new RegistrySeeder(source.BaseUri)) await seeder.PushAsync("demo/hello", "1.0", image, ct);
        using var temp = new TempFolder();
        var hosts = Insecure(source.Authority, target.Authority);

        var exported = await CliRunner.RunAsync([$"{source.Authority}/demo/hello:1.0", "-o", temp.Combine("hello.tar"),
            "--cache-dir", temp.Combine("cache"), .. hosts], cancellationToken: ct);
        Assert.True(exported.ExitCode == 0, exported.Error);
        var verified = await CliRunner.RunAsync(["verify", temp.Combine("hello.tar")], cancellationToken: ct);
        Assert.True(verified.ExitCode == 0, verified.Error);
        var pushed = await CliRunner.RunAsync(["push", temp.Combine("hello.tar"), $"{target.Authority}/airgap/hello", .. hosts], cancellationToken: ct);
        Assert.True(pushed.ExitCode == 0, pushed.Error);
        Assert.Contains($"{target.Authority}/airgap/hello:1.0@{image.ManifestDigest}", pushed.Out);

        await using var docker = await DockerPeer.StartAsync(ct);
        var pull = await docker.RunAsync(["pull", $"{target.Authority}/airgap/hello:1.0"], cancellationToken: ct);
        Assert.True(pull.Succeeded, pull.Describe());
        Assert.Contains(image.ManifestDigest.ToString(), pull.StdOut + pull.StdErr);
        var id = await docker.RunAsync(["image", "inspect", "--format", "{{.Id}}", $"{target.Authority}/airgap/hello:1.0"], cancellationToken: ct);
        Assert.True(id.Succeeded, id.Describe());
        Assert.Equal(image.ConfigDigest.ToString(), id.StdOut.Trim());
    }
}
