using System.Text.Json;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.AirGap;

/// <summary><c>--all-platforms</c>: the whole index with every platform's image, verifiable and pushable with its digest.</summary>
public sealed class AllPlatformsTests
{
    private static string[] Hosts(WindowsLikeScenario s, params string[] more) =>
        ArchiveFixtures.Insecure([s.Fwlink.Host.Authority, s.Cdn.Host.Authority, .. more]);

    [Theory]
    [InlineData("oci", "layout")]
    [InlineData("oci-tar", "all.tar")]
    public async Task Layout_holds_the_index_and_every_platform_and_passes_verify(string format, string name)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct, foreignLayerSize: 16 * 1024);
        using var temp = new TempFolder();
        var output = temp.Combine(name);

        await ArchiveFixtures.ExportAsync(temp, output, [scenario.Reference], ct, ["--all-platforms", "--format", format, .. Hosts(scenario)]);

        var files = format == "oci"
            ? Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(output, f), File.ReadAllBytes)
            : TarContents.Read(output).ToFiles();
        Assert.Equal(scenario.ManifestList.Bytes, files[$"blobs/sha256/{scenario.ManifestListDigest.Encoded}"]);
        foreach (var entry in scenario.Entries)
        {
            Assert.Equal(entry.Image.ManifestBytes, files[$"blobs/sha256/{entry.Image.ManifestDigest.Encoded}"]);
            Assert.Equal(entry.Image.ConfigBytes, files[$"blobs/sha256/{entry.Image.ConfigDigest.Encoded}"]);
            foreach (var layer in entry.Image.Layers) Assert.Equal(layer.Bytes, files[$"blobs/sha256/{layer.Digest.Encoded}"]);
        }
        using var index = JsonDocument.Parse(files["index.json"]);
        var top = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(scenario.ManifestListDigest.ToString(), top.GetProperty("digest").GetString());
        Assert.Equal("application/vnd.docker.distribution.manifest.list.v2+json", top.GetProperty("mediaType").GetString());
        Assert.Equal("ltsc2019", top.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());

        var verified = await CliRunner.RunAsync(["verify", output], cancellationToken: ct);
        Assert.True(verified.ExitCode == 0, verified.Error);
        foreach (var entry in scenario.Entries) Assert.Contains($"({entry.OsVersion})  {entry.Image.ManifestDigest}", verified.Out);
    }

    [Fact]
    public async Task All_platforms_with_docker_tar_is_a_usage_error()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync(["127.0.0.1:1/x:1", "--all-platforms", "-o", temp.Combine("x.tar")], cancellationToken: ct);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--all-platforms needs --format oci or oci-tar", result.Error);
    }

    [Fact]
    public async Task An_all_platforms_layout_is_pushed_with_the_index_digest_unchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct, foreignLayerSize: 16 * 1024);
        await using var target = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();
        var layout = temp.Combine("layout");
        await ArchiveFixtures.ExportAsync(temp, layout, [scenario.Reference], ct, ["--all-platforms", "--format", "oci", .. Hosts(scenario)]);

        var pushed = await CliRunner.RunAsync(["push", layout, $"{target.Authority}/windows/servercore", .. Hosts(scenario, target.Authority)], cancellationToken: ct);

        Assert.True(pushed.ExitCode == 0, pushed.Error + target.Tail());
        Assert.Contains($"{target.Authority}/windows/servercore:ltsc2019@{scenario.ManifestListDigest}", pushed.Out);
        using var reader = new RegistrySeeder(target.BaseUri);
        Assert.Equal(scenario.ManifestList.Bytes, await reader.GetManifestAsync("windows/servercore", "ltsc2019", ct));
        foreach (var entry in scenario.Entries)
            Assert.Equal(entry.Image.ManifestBytes, await reader.GetManifestAsync("windows/servercore", entry.Image.ManifestDigest.ToString(), ct));
    }

    [Fact]
    public async Task An_index_with_attestations_is_exported_whole_verified_and_pushed_with_its_digest()
    {
        var ct = TestContext.Current.CancellationToken;
        var amd64 = TestImages.Small("hello", "amd64", ManifestFormat.Oci);
        var arm64 = TestImages.Small("hello", "arm64", ManifestFormat.Oci);
        var index = TestImages.IndexOf(ManifestFormat.Oci, amd64, arm64, TestImages.Attestation(amd64), TestImages.Attestation(arm64));
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        source.Push("demo/hello", "1.0", index);
        await using var target = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();
        var tar = temp.Combine("hello.oci.tar");
        await ArchiveFixtures.ExportAsync(temp, tar, [source.Reference("demo/hello", "1.0")], ct, "--all-platforms", "--format", "oci-tar");

        var verified = await CliRunner.RunAsync(["verify", tar], cancellationToken: ct);
        Assert.True(verified.ExitCode == 0, verified.Error);
        Assert.Contains($"linux/amd64  {amd64.ManifestDigest}", verified.Out);
        Assert.Contains($"linux/arm64  {arm64.ManifestDigest}", verified.Out);
        Assert.DoesNotContain("unknown/unknown", verified.Out);

        var pushed = await CliRunner.RunAsync(["push", tar, $"{target.Authority}/demo/hello", .. ArchiveFixtures.Insecure(target.Authority)], cancellationToken: ct);
        Assert.True(pushed.ExitCode == 0, pushed.Error + target.Tail());
        using var reader = new RegistrySeeder(target.BaseUri);
        Assert.Equal(index.Bytes, await reader.GetManifestAsync("demo/hello", "1.0", ct));
        foreach (var image in index.Images)
            Assert.Equal(image.ManifestBytes, await reader.GetManifestAsync("demo/hello", image.ManifestDigest.ToString(), ct));
    }
}
