using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using McrExport.Model;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>
/// Archives containerd 1.6 writes with <c>ctr images export</c> (an OCI layout with <c>io.containerd.image.name</c>
/// and tag-only <c>ref.name</c> annotations, plus a <c>manifest.json</c> over <c>blobs/sha256/…</c>): one image,
/// several, an index whose name is on the index entry, and <c>--platform</c> of that index (a partial index).
/// Each is verified, pushed and read back by skopeo, converted by <c>copy</c> and loaded or imported again.
/// </summary>
public sealed class ContainerdExportProducerTests(Peers.Peers peers) : ProducerTestBase(peers)
{
    [Fact]
    public async Task One_image_verifies_pushes_with_its_manifest_digest_and_docker_loads_the_copy()
    {
        var images = await Peers.ImagesAsync();
        var containerd = await Peers.ContainerdAsync();
        var image = images.Catalog.Small;
        await Run(containerd, "images", "pull", "--plain-http", images.Small);
        var saved = Folder.Combine("ctr-one.tar");
        await Run(containerd, "images", "export", saved, images.Small);
        var index = JsonNode.Parse(ReadTarFile(saved, "index.json"))!["manifests"]!.AsArray();
        Assert.Equal(images.Small, (string?)index.Single()!["annotations"]!["io.containerd.image.name"]);

        var verified = await VerifyAsync(saved, 1);
        Assert.Contains(image.ManifestDigest.ToString(), verified.StdOut);
        var pushed = await PushAndReadBackAsync(saved, "ctr-one", image.ConfigDigest);
        Assert.Contains(pushed, (await Tool("push", saved, pushed, "--cache-dir", Cache)).StdOut);
        var stored = await Run(PeerPrograms.Skopeo(), "inspect", "--raw", "--tls-verify=false", $"docker://{pushed}");
        Assert.Equal(image.ManifestDigest, Digest.Compute(Encoding.UTF8.GetBytes(stored.StdOut)));

        var dockerArchive = Folder.Combine("ctr-one-docker.tar");
        await Tool("copy", saved, $"docker-archive:{dockerArchive}", "--cache-dir", Cache);
        await DockerLoadsAsync(dockerArchive, image.ConfigDigest);
        await containerd.RunAsync(["images", "rm", images.Small], cancellationToken: Token);
    }

    [Fact]
    public async Task Several_images_verify_and_push_all_under_their_names()
    {
        var images = await Peers.ImagesAsync();
        var containerd = await Peers.ContainerdAsync();
        await Run(containerd, "images", "pull", "--plain-http", images.Small);
        await Run(containerd, "images", "pull", "--plain-http", images.Zstd);
        await Run(containerd, "images", "tag", images.Small, "localhost/producers/ctr-a:v1");
        await Run(containerd, "images", "tag", images.Zstd, "localhost/producers/ctr-b:v2");
        var saved = Folder.Combine("ctr-two.tar");
        await Run(containerd, "images", "export", saved, "localhost/producers/ctr-a:v1", "localhost/producers/ctr-b:v2");

        var verified = await VerifyAsync(saved, 2);
        Assert.Contains("localhost/producers/ctr-b:v2", verified.StdOut);
        var registry = await Peers.SecondRegistryAsync();
        var pushed = await Tool("push", saved, registry.Authority, "--all", "--cache-dir", Cache);
        Assert.Contains($"{registry.Reference("producers/ctr-a", "v1")}@{images.Catalog.Small.ManifestDigest}", pushed.StdOut);
        Assert.Contains($"{registry.Reference("producers/ctr-b", "v2")}@{images.Catalog.Zstd.ManifestDigest}", pushed.StdOut);
        Assert.Equal(images.Catalog.Zstd.ConfigDigest,
            await ConfigDigestAsync($"docker://{registry.Reference("producers/ctr-b", "v2")}", "--tls-verify=false"));

        var layout = Folder.Combine("ctr-two-layout");
        var copied = await Tool("copy", saved, $"oci:{layout}", "--cache-dir", Cache);
        Assert.Contains("2 image(s)", copied.StdOut);
        Assert.Equal(images.Catalog.Zstd.ConfigDigest, await ConfigDigestAsync($"oci:{layout}:v2"));
        await containerd.RunAsync(["images", "rm", images.Small, images.Zstd, "localhost/producers/ctr-a:v1", "localhost/producers/ctr-b:v2"],
            cancellationToken: Token);
    }

    [Fact]
    public async Task Two_manifests_over_one_config_verify_with_each_entry_s_own_names()
    {
        var images = await Peers.ImagesAsync();
        var containerd = await Peers.ContainerdAsync();
        var image = images.Catalog.Small;
        await Run(containerd, "images", "pull", "--plain-http", images.Small);
        await Run(containerd, "images", "tag", images.Small, "localhost/producers/ctr-docker:v1");
        await Run(containerd, "images", "rm", images.Small);
        var oci = await ExportAsync(images.Small, "oci-tar", "--oci-media-types");
        await Run(containerd, "images", "import", "--no-unpack", oci);
        await Run(containerd, "images", "tag", images.Small, "localhost/producers/ctr-oci:v1");
        var saved = Folder.Combine("ctr-same-config.tar");
        await Run(containerd, "images", "export", saved, "localhost/producers/ctr-docker:v1", "localhost/producers/ctr-oci:v1");
        var manifestJson = Encoding.UTF8.GetString(ReadTarFile(saved, "manifest.json"));
        Assert.Equal(2, JsonNode.Parse(manifestJson)!.AsArray().Count(i => ((string?)i!["Config"])!.EndsWith(image.ConfigDigest.Encoded, StringComparison.Ordinal)));

        var verified = await VerifyAsync(saved, 2);
        Assert.Contains(image.ManifestDigest.ToString(), verified.StdOut);
        var registry = await Peers.SecondRegistryAsync();
        var pushed = await Tool("push", saved, registry.Authority, "--all", "--cache-dir", Cache);
        Assert.Contains($"{registry.Reference("producers/ctr-docker", "v1")}@{image.ManifestDigest}", pushed.StdOut);
        Assert.Equal(image.ConfigDigest, await ConfigDigestAsync($"docker://{registry.Reference("producers/ctr-oci", "v1")}", "--tls-verify=false"));
        await containerd.RunAsync(["images", "rm", images.Small, "localhost/producers/ctr-docker:v1", "localhost/producers/ctr-oci:v1"],
            cancellationToken: Token);
    }

    [Fact]
    public async Task An_index_named_on_its_entry_and_its_platform_export_push_and_import_again()
    {
        var images = await Peers.ImagesAsync();
        var containerd = await Peers.ContainerdAsync();
        var multi = images.Catalog.MultiPlatform;
        await Run(containerd, "images", "pull", "--plain-http", "--all-platforms", images.Multi);
        await Run(containerd, "images", "tag", images.Multi, "localhost/producers/ctr-index:v1");

        var all = Folder.Combine("ctr-index.tar");
        await Run(containerd, "images", "export", "--all-platforms", all, "localhost/producers/ctr-index:v1");
        var entry = JsonNode.Parse(ReadTarFile(all, "index.json"))!["manifests"]!.AsArray().Single()!;
        Assert.Equal(MediaTypes.OciIndex, (string?)entry["mediaType"]);
        Assert.Equal("localhost/producers/ctr-index:v1", (string?)entry["annotations"]!["io.containerd.image.name"]);

        var verified = await VerifyAsync(all, multi.Images.Count);
        Assert.Contains("localhost/producers/ctr-index:v1", verified.StdOut);
        var registry = await Peers.SecondRegistryAsync();
        var pushed = await Tool("push", all, registry.Authority, "--all", "--cache-dir", Cache);
        Assert.Contains($"{registry.Reference("producers/ctr-index", "v1")}@{multi.Digest}", pushed.StdOut);
        var storedIndex = await Run(PeerPrograms.Skopeo(), "inspect", "--raw", "--tls-verify=false",
            $"docker://{registry.Reference("producers/ctr-index", "v1")}");
        Assert.Equal(multi.Digest, Digest.Compute(Encoding.UTF8.GetBytes(storedIndex.StdOut)));

        var amd64 = multi.Images[0];
        var one = Folder.Combine("ctr-index-amd64.tar");
        await Run(containerd, "images", "export", "--platform", "linux/amd64", one, "localhost/producers/ctr-index:v1");
        await VerifyAsync(one, 1);
        var partial = await Tool("push", one, registry.Reference("producers/ctr-platform", "v1"), "--cache-dir", Cache);
        Assert.Contains($"@{amd64.ManifestDigest}", partial.StdOut);
        Assert.Equal(amd64.ConfigDigest, await ConfigDigestAsync($"docker://{registry.Reference("producers/ctr-platform", "v1")}", "--tls-verify=false"));

        var ociArchive = Folder.Combine("ctr-index-copy.oci.tar");
        await Tool("copy", all, $"oci-archive:{ociArchive}", "--cache-dir", Cache);
        await Run(containerd, "images", "rm", images.Multi, "localhost/producers/ctr-index:v1");
        await ContainerdImportsAsync(ociArchive, "localhost/producers/ctr-index:v1");
    }

    private static byte[] ReadTarFile(string tar, string name)
    {
        using var stream = File.OpenRead(tar);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name != name || entry.DataStream is null) continue;
            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            return buffer.ToArray();
        }
        throw new FileNotFoundException($"{name} is not in {tar}");
    }
}
