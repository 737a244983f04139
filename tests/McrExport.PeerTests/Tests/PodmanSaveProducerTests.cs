using System.Formats.Tar;
using McrExport.Model;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>
/// Archives podman 4.3 writes with <c>podman save</c> of images it pulled from the test registry: docker-archive
/// (<c>&lt;diff_id&gt;.tar</c> layers behind <c>layer.tar</c> symlinks), <c>-m</c> with several images, oci-archive
/// and oci-dir (full references as <c>ref.name</c>). Each is verified, pushed and read back by skopeo, converted by
/// <c>copy</c> and loaded.
/// </summary>
public sealed class PodmanSaveProducerTests(Peers.Peers peers) : ProducerTestBase(peers)
{
    [Fact]
    public async Task Docker_archive_verifies_pushes_with_its_image_id_and_docker_loads_the_copy()
    {
        var images = await Peers.ImagesAsync();
        var podman = await Peers.PodmanAsync();
        var config = images.Catalog.Small.ConfigDigest;
        await Run(podman, "pull", "-q", "--tls-verify=false", images.Small);
        var saved = Folder.Combine("podman-docker.tar");
        await Run(podman, "save", "-o", saved, images.Small);
        Assert.Contains(TarEntries(saved), e => e.Name.EndsWith("/layer.tar", StringComparison.Ordinal) && e.Type == TarEntryType.SymbolicLink);

        var verified = await VerifyAsync(saved, 1);
        Assert.Contains($"{images.Small}  linux/amd64  {config}", verified.StdOut);
        await PushAndReadBackAsync(saved, "podman-docker", config);

        var layout = Folder.Combine("layout");
        await Tool("copy", $"docker-archive:{saved}", $"oci:{layout}", "--cache-dir", Cache);
        Assert.Equal(config, await ConfigDigestAsync($"oci:{layout}"));
        var back = Folder.Combine("back.tar");
        await Tool("copy", $"oci:{layout}", $"docker-archive:{back}", "--cache-dir", Cache);
        await DockerLoadsAsync(back, config);
        await podman.RunAsync(["rmi", "--force", images.Small], cancellationToken: Token);
    }

    [Fact]
    public async Task Several_images_saved_with_m_push_all_and_a_multi_image_oci_copy_is_refused_by_podman_load()
    {
        var images = await Peers.ImagesAsync();
        var podman = await Peers.PodmanAsync();
        var small = images.Catalog.Small.ConfigDigest;
        await Run(podman, "pull", "-q", "--tls-verify=false", images.Small);
        await Run(podman, "pull", "-q", "--tls-verify=false", images.Zstd);
        await Run(podman, "pull", "-q", "--tls-verify=false", images.Multi);
        await Run(podman, "tag", images.Small, "localhost/producers/podman-a:v1");
        await Run(podman, "tag", images.Multi, "localhost/producers/podman-b:v1");
        var saved = Folder.Combine("podman-m.tar");
        // podman 4.3 cannot write a zstd layer into a docker archive: the real behaviour.
        var zstdRefused = await podman.RunAsync(["save", "-m", "-o", Folder.Combine("zstd.tar"), images.Small, images.Zstd], cancellationToken: Token);
        Assert.False(zstdRefused.Succeeded);
        Assert.Contains("zstd compression is not supported for docker images", zstdRefused.StdErr);
        await Run(podman, "save", "-m", "-o", saved, "localhost/producers/podman-a:v1", "localhost/producers/podman-b:v1");

        var verified = await VerifyAsync(saved, 2);
        Assert.Contains(small.ToString(), verified.StdOut);
        var registry = await Peers.SecondRegistryAsync();
        var pushed = await Tool("push", saved, registry.Authority, "--all", "--cache-dir", Cache);
        Assert.Contains($"{registry.Authority}/producers/podman-a:v1@sha256:", pushed.StdOut);
        Assert.Contains($"{registry.Authority}/producers/podman-b:v1@sha256:", pushed.StdOut);
        Assert.Equal(small, await ConfigDigestAsync($"docker://{registry.Reference("producers/podman-a", "v1")}", "--tls-verify=false"));
        var secondPushed = await ConfigDigestAsync($"docker://{registry.Reference("producers/podman-b", "v1")}", "--tls-verify=false");
        Assert.Contains(secondPushed.ToString(), verified.StdOut);

        var ociArchive = Folder.Combine("two.oci.tar");
        var copied = await Tool("copy", saved, $"oci-archive:{ociArchive}", "--cache-dir", Cache);
        Assert.Contains("2 image(s)", copied.StdOut);
        await VerifyAsync(ociArchive, 2);
        await Run(podman, "rmi", "--force", images.Small, images.Zstd, images.Multi, "localhost/producers/podman-a:v1", "localhost/producers/podman-b:v1");
        // podman 4.3 loads one image from an OCI archive only: the real behaviour, not a fault of the archive.
        var refused = await podman.RunAsync(["load", "-i", ociArchive], cancellationToken: Token);
        Assert.False(refused.Succeeded, refused.Describe());

        var dockerArchive = Folder.Combine("two.tar");
        await Tool("copy", $"oci-archive:{ociArchive}", $"docker-archive:{dockerArchive}", "--cache-dir", Cache);
        await Run(podman, "load", "-i", dockerArchive);
        var ids = await Run(podman, "images", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}", "--no-trunc");
        Assert.Contains($"{small} localhost/producers/podman-a:v1", ids.StdOut);
        Assert.Contains($"{secondPushed} localhost/producers/podman-b:v1", ids.StdOut);
        await podman.RunAsync(["rmi", "--force", small.Encoded, secondPushed.Encoded], cancellationToken: Token);
    }

    [Fact]
    public async Task Oci_archive_verifies_pushes_and_docker_loads_the_copy()
    {
        var images = await Peers.ImagesAsync();
        var podman = await Peers.PodmanAsync();
        await Run(podman, "pull", "-q", "--tls-verify=false", images.Small);
        var saved = Folder.Combine("podman.oci.tar");
        await Run(podman, "save", "--format", "oci-archive", "-o", saved, images.Small);
        var config = await ConfigDigestAsync($"oci-archive:{saved}");

        var verified = await VerifyAsync(saved, 1);
        Assert.Contains(images.Small, verified.StdOut);
        await PushAndReadBackAsync(saved, "podman-oci-archive", config);

        var dockerArchive = Folder.Combine("from-podman-oci.tar");
        await Tool("copy", $"oci-archive:{saved}", $"docker-archive:{dockerArchive}", "--cache-dir", Cache);
        await DockerLoadsAsync(dockerArchive, config);
        await podman.RunAsync(["rmi", "--force", images.Small], cancellationToken: Token);
    }

    [Fact]
    public async Task Oci_dir_verifies_pushes_all_under_its_full_name_and_podman_loads_the_copy()
    {
        var images = await Peers.ImagesAsync();
        var podman = await Peers.PodmanAsync();
        await Run(podman, "pull", "-q", "--tls-verify=false", images.Zstd);
        await Run(podman, "tag", images.Zstd, "localhost/producers/podman-dir:v1");
        var saved = Folder.Combine("podman-oci-dir");
        await Run(podman, "save", "--format", "oci-dir", "-o", saved, "localhost/producers/podman-dir:v1");
        Assert.True(File.Exists(Path.Combine(saved, "index.json")));
        var config = await ConfigDigestAsync($"oci:{saved}:localhost/producers/podman-dir:v1");

        await VerifyAsync(saved, 1);
        var registry = await Peers.SecondRegistryAsync();
        var pushed = await Tool("push", saved, registry.Authority, "--all", "--cache-dir", Cache);
        Assert.Contains($"{registry.Authority}/producers/podman-dir:v1@sha256:", pushed.StdOut);
        Assert.Equal(config, await ConfigDigestAsync($"docker://{registry.Reference("producers/podman-dir", "v1")}", "--tls-verify=false"));

        var ociArchive = Folder.Combine("from-dir.oci.tar");
        // podman's ref.name is the full name; copy picks the entry by it, as skopeo's oci:PATH:REF does.
        await Tool("copy", $"oci:{saved}:localhost/producers/podman-dir:v1", $"oci-archive:{ociArchive}", "--cache-dir", Cache);
        await Run(podman, "rmi", "--force", images.Zstd, "localhost/producers/podman-dir:v1");
        await PodmanLoadsAsync(ociArchive, config);
    }

    private static List<(string Name, TarEntryType Type)> TarEntries(string tar)
    {
        using var stream = File.OpenRead(tar);
        using var reader = new TarReader(stream);
        var entries = new List<(string, TarEntryType)>();
        while (reader.GetNextEntry() is { } entry) entries.Add((entry.Name, entry.EntryType));
        return entries;
    }
}
