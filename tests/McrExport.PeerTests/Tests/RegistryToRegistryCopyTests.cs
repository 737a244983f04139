using System.Text;
using System.Text.Json.Nodes;
using McrExport.Model;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>
/// <c>copy docker://… docker://…</c> between two real distribution registries, no file in between: manifests and
/// indexes keep their digests, skopeo reads the result, and a second copy finds every blob already there.
/// </summary>
public sealed class RegistryToRegistryCopyTests(Peers.Peers peers) : ProducerTestBase(peers)
{
    [Fact]
    public async Task One_image_keeps_its_manifest_digest_and_a_second_copy_uploads_nothing()
    {
        var images = await Peers.ImagesAsync();
        var target = await Peers.SecondRegistryAsync();
        var image = images.Catalog.Small;
        var destination = target.Reference("mirror/small", "v1");

        var copied = await Tool("copy", $"docker://{images.Small}", $"docker://{destination}", "--cache-dir", Cache,
            "--insecure-registry", images.Registry.Authority, "--insecure-registry", target.Authority);
        Assert.Contains($"{destination}@{image.ManifestDigest}", copied.StdOut);
        Assert.Equal(image.ManifestDigest, await StoredDigestAsync($"docker://{destination}"));
        Assert.Equal(image.ConfigDigest, await ConfigDigestAsync($"docker://{destination}", "--tls-verify=false"));

        var again = await Tool("copy", $"docker://{images.Small}", $"docker://{destination}", "--cache-dir", Folder.Combine("cache2"),
            "--insecure-registry", images.Registry.Authority, "--insecure-registry", target.Authority);
        Assert.Contains("0 uploaded", again.StdOut);
    }

    [Fact]
    public async Task A_whole_index_with_all_keeps_the_index_digest_and_every_platform()
    {
        var images = await Peers.ImagesAsync();
        var target = await Peers.SecondRegistryAsync();
        var multi = images.Catalog.MultiPlatform;
        var destination = target.Reference("mirror/multi", "v1");

        await Tool("copy", $"docker://{images.Multi}", $"docker://{target.Authority}/mirror/multi", "--all", "--cache-dir", Cache,
            "--insecure-registry", images.Registry.Authority, "--insecure-registry", target.Authority);
        Assert.Equal(multi.Digest, await StoredDigestAsync($"docker://{destination}"));
        foreach (var platform in multi.Images)
            Assert.Equal(platform.ConfigDigest,
                await ConfigDigestAsync($"docker://{target.Reference("mirror/multi", platform.ManifestDigest.ToString())}", "--tls-verify=false"));
    }

    [Fact]
    public async Task One_platform_of_an_index_is_copied_as_its_own_manifest()
    {
        var images = await Peers.ImagesAsync();
        var target = await Peers.SecondRegistryAsync();
        var arm64 = images.Catalog.MultiPlatform.Images.Single(i => i.Architecture == "arm64");
        var destination = target.Reference("mirror/multi-arm64", "v1");

        await Tool("copy", $"docker://{images.Multi}", $"docker://{destination}", "--platform", "linux/arm64/v8", "--cache-dir", Cache,
            "--insecure-registry", images.Registry.Authority, "--insecure-registry", target.Authority);
        Assert.Equal(arm64.ManifestDigest, await StoredDigestAsync($"docker://{destination}"));
        var raw = await Run(PeerPrograms.Skopeo(), "inspect", "--raw", "--tls-verify=false", $"docker://{destination}");
        Assert.Equal(MediaTypes.OciManifest, (string?)JsonNode.Parse(raw.StdOut)!["mediaType"]);
    }

    [Fact]
    public async Task A_zstd_image_keeps_its_layers_and_digest()
    {
        var images = await Peers.ImagesAsync();
        var target = await Peers.SecondRegistryAsync();
        var destination = target.Reference("mirror/zstd", "v1");

        await Tool("copy", $"docker://{images.Zstd}", $"docker://{destination}", "--cache-dir", Cache,
            "--insecure-registry", images.Registry.Authority, "--insecure-registry", target.Authority);
        Assert.Equal(images.Catalog.Zstd.ManifestDigest, await StoredDigestAsync($"docker://{destination}"));
        var layout = Folder.Combine("zstd-back");
        await Run(PeerPrograms.Skopeo(), "copy", "--quiet", "--src-tls-verify=false", "--preserve-digests", $"docker://{destination}", $"oci:{layout}:v1");
        Assert.Equal(images.Catalog.Zstd.ConfigDigest, await ConfigDigestAsync($"oci:{layout}:v1"));
    }

    private async Task<Digest> StoredDigestAsync(string transportReference)
    {
        var raw = await Run(PeerPrograms.Skopeo(), "inspect", "--raw", "--tls-verify=false", transportReference);
        return Digest.Compute(Encoding.UTF8.GetBytes(raw.StdOut));
    }
}
