using McrExport.Model;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>
/// Archives of docker 20.10's <c>docker save</c> (the classic layout: <c>&lt;id&gt;.json</c> configs,
/// <c>&lt;v1-id&gt;/layer.tar</c>, <c>repositories</c>, no index.json) are verified, pushed with a new schema2
/// manifest over the same config, converted and loaded.
/// </summary>
public sealed class DockerSaveProducerTests(Peers.Peers peers) : ProducerTestBase(peers)
{
    [Fact]
    public async Task One_image_verifies_pushes_with_its_image_id_and_converts_to_an_oci_layout()
    {
        var images = await Peers.ImagesAsync();
        var docker = await Peers.DockerAsync();
        var config = images.Catalog.Small.ConfigDigest;
        await Run(docker, "pull", images.Small);
        var saved = Folder.Combine("saved.tar");
        await Run(docker, "save", "-o", saved, images.Small);
        Assert.DoesNotContain("index.json", SavedNames(saved));

        var verified = await VerifyAsync(saved, 1);
        Assert.Contains(config.ToString(), verified.StdOut);
        var pushed = await PushAndReadBackAsync(saved, "docker-one", config);
        var manifest = await Run(PeerPrograms.Skopeo(), "inspect", "--raw", "--tls-verify=false", $"docker://{pushed}");
        Assert.Contains(MediaTypes.DockerManifest, manifest.StdOut);
        Assert.Contains(MediaTypes.DockerLayerGzip, manifest.StdOut);

        var layout = Folder.Combine("layout");
        await Tool("copy", $"docker-archive:{saved}", $"oci:{layout}", "--cache-dir", Cache);
        Assert.Equal(config, await ConfigDigestAsync($"oci:{layout}"));
        var back = Folder.Combine("back.tar");
        await Tool("copy", $"oci:{layout}", $"docker-archive:{back}", "--cache-dir", Cache);
        await Run(docker, "rmi", "--force", images.Small);
        await DockerLoadsAsync(back, config);
    }

    [Fact]
    public async Task Uncompressed_push_keeps_the_plain_layers()
    {
        var images = await Peers.ImagesAsync();
        var docker = await Peers.DockerAsync();
        await Run(docker, "pull", images.Small);
        var saved = Folder.Combine("saved.tar");
        await Run(docker, "save", "-o", saved, images.Small);

        var pushed = await PushAndReadBackAsync(saved, "docker-plain", images.Catalog.Small.ConfigDigest, "--uncompressed");
        var manifest = await Run(PeerPrograms.Skopeo(), "inspect", "--raw", "--tls-verify=false", $"docker://{pushed}");
        Assert.Contains("\"application/vnd.docker.image.rootfs.diff.tar\"", manifest.StdOut);
        Assert.DoesNotContain(MediaTypes.DockerLayerGzip, manifest.StdOut);
        var digests = images.Catalog.Small.DiffIds.Select(d => d.ToString());
        Assert.All(digests, d => Assert.Contains(d, manifest.StdOut));
    }

    [Fact]
    public async Task Three_images_sharing_layers_verify_push_all_and_load()
    {
        var images = await Peers.ImagesAsync();
        var docker = await Peers.DockerAsync();
        await Run(docker, "pull", images.Small);
        var ids = new List<string>();
        foreach (var name in new[] { "first", "second" })
        {
            var context = Folder.Combine($"ctx-{name}");
            Directory.CreateDirectory(context);
            await File.WriteAllTextAsync(Path.Combine(context, "name.txt"), name + "\n", Token);
            await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"FROM {images.Small}\nCOPY name.txt /name.txt\n", Token);
            await Run(docker, "build", "-q", "-t", $"producers/{name}:v1", context);
            ids.Add((await Run(docker, "image", "inspect", "--format", "{{.Id}}", $"producers/{name}:v1")).StdOut.Trim());
        }
        var saved = Folder.Combine("three.tar");
        await Run(docker, "save", "-o", saved, images.Small, "producers/first:v1", "producers/second:v1");

        await VerifyAsync(saved, 3);
        var registry = await Peers.SecondRegistryAsync();
        var pushed = await Tool("push", saved, registry.Authority, "--all", "--cache-dir", Cache);
        Assert.Contains("mounted", pushed.StdErr + pushed.StdOut);
        foreach (var (name, id) in new[] { "first", "second" }.Zip(ids))
            Assert.Equal(Digest.Parse(id), await ConfigDigestAsync($"docker://{registry.Reference($"producers/{name}", "v1")}", "--tls-verify=false"));

        var layout = Folder.Combine("three-copy.tar");
        await Tool("copy", saved, $"docker-archive:{layout}", "--cache-dir", Cache);
        await Run(docker, "rmi", "--force", images.Small, "producers/first:v1", "producers/second:v1");
        await PodmanLoadsAsync(layout, Digest.Parse(ids[1]));
    }

    [Fact]
    public async Task An_image_saved_by_its_id_has_no_name_and_still_pushes()
    {
        var images = await Peers.ImagesAsync();
        var docker = await Peers.DockerAsync();
        await Run(docker, "pull", images.Small);
        var config = images.Catalog.Small.ConfigDigest;
        var saved = Folder.Combine("by-id.tar");
        await Run(docker, "save", "-o", saved, config.Encoded);

        var verified = await VerifyAsync(saved, 1);
        Assert.Contains("(no name)", verified.StdOut);
        await PushAndReadBackAsync(saved, "docker-by-id", config);
    }

    [Fact]
    public async Task An_image_with_no_layers_is_refused_by_docker_20_10_save_itself()
    {
        var docker = await Peers.DockerAsync();
        var context = Folder.Combine("ctx-empty");
        Directory.CreateDirectory(context);
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), "FROM scratch\nLABEL purpose=no-layers\n", Token);
        await Run(docker, "build", "-q", "-t", "producers/no-layers:v1", context);
        var rootfs = await Run(docker, "image", "inspect", "--format", "{{len .RootFS.Layers}}", "producers/no-layers:v1");
        Assert.Equal("0", rootfs.StdOut.Trim());

        // The real behaviour of docker 20.10: there is no archive to read.
        var saved = Folder.Combine("empty.tar");
        var refused = await docker.RunAsync(["save", "-o", saved, "producers/no-layers:v1"], cancellationToken: Token);
        Assert.False(refused.Succeeded);
        Assert.Contains("empty export - not implemented", refused.StdErr);
        await docker.RunAsync(["rmi", "--force", "producers/no-layers:v1"], cancellationToken: Token);
    }

    private static List<string> SavedNames(string tar)
    {
        using var stream = File.OpenRead(tar);
        using var reader = new System.Formats.Tar.TarReader(stream);
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry) names.Add(entry.Name);
        return names;
    }
}
