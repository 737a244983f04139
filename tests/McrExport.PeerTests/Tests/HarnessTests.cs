using System.Text.Json.Nodes;
using McrExport.Model;
using McrExport.PeerTests.Images;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>The harness itself: the test images reach the registry intact and the peers can read them.</summary>
public sealed class HarnessTests(Peers.Peers peers)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registry_serves_each_image_with_the_digest_it_was_built_with()
    {
        var images = await peers.ImagesAsync();
        using var client = new RegistryClient(images.Registry.BaseUri);
        var catalog = images.Catalog;

        var small = await client.GetManifestAsync(PublishedImages.SmallRepository, PublishedImages.Tag, Token);
        Assert.Equal(MediaTypes.DockerManifest, small.MediaType);
        Assert.Equal(catalog.Small.ManifestDigest, small.Digest);

        var zstd = await client.GetManifestAsync(PublishedImages.ZstdRepository, PublishedImages.Tag, Token);
        Assert.Equal(MediaTypes.OciManifest, zstd.MediaType);
        Assert.Equal(catalog.Zstd.ManifestDigest, zstd.Digest);

        var multi = await client.GetManifestAsync(PublishedImages.MultiRepository, PublishedImages.Tag, Token);
        Assert.Equal(MediaTypes.OciIndex, multi.MediaType);
        Assert.Equal(catalog.MultiPlatform.Digest, multi.Digest);
        foreach (var image in catalog.MultiPlatform.Images)
            Assert.Equal(image.ManifestDigest,
                (await client.GetManifestAsync(PublishedImages.MultiRepository, image.ManifestDigest.ToString(), Token)).Digest);

        var windows = await client.GetManifestAsync(PublishedImages.WindowsRepository, PublishedImages.WindowsTag, Token);
        Assert.Equal(MediaTypes.DockerManifest, windows.MediaType);
        Assert.Equal(catalog.WindowsLike.ManifestDigest, windows.Digest);
        Assert.False(await client.BlobExistsAsync(PublishedImages.WindowsRepository, catalog.ForeignBase.Digest, Token),
            "the registry must not hold the foreign layer");
        Assert.True(await client.BlobExistsAsync(PublishedImages.WindowsRepository, catalog.WindowsLike.Layers[1].Digest, Token));
    }

    [Fact]
    public async Task Foreign_layer_url_serves_the_base_layer_bytes()
    {
        var images = await peers.ImagesAsync();
        var url = Assert.Single(images.Catalog.ForeignBase.Urls!);
        Assert.StartsWith("http://127.0.0.2:", url);
        using var http = new HttpClient();
        var bytes = await http.GetByteArrayAsync(url, Token);
        Assert.Equal(images.Catalog.ForeignBase.Digest, Digest.Compute(bytes));
    }

    [Fact]
    public async Task Skopeo_inspects_every_pushed_image()
    {
        var images = await peers.ImagesAsync();
        var skopeo = PeerPrograms.Skopeo();
        foreach (var (reference, image) in new[]
                 {
                     (images.Small, images.Catalog.Small), (images.Zstd, images.Catalog.Zstd),
                     (images.Windows, images.Catalog.WindowsLike),
                 })
        {
            var config = await Run(skopeo, "inspect", "--tls-verify=false", "--config", "--raw", $"docker://{reference}");
            Assert.Equal(image.ConfigDigest, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(config.StdOut)));
            var inspect = JsonNode.Parse((await Run(skopeo, "inspect", "--tls-verify=false", $"docker://{reference}")).StdOut)!;
            Assert.Equal(image.ManifestDigest.ToString(), (string?)inspect["Digest"]);
            Assert.Equal(image.Os, (string?)inspect["Os"]);
        }
        var raw = await Run(skopeo, "inspect", "--tls-verify=false", "--raw", $"docker://{images.Multi}");
        Assert.Equal(images.Catalog.MultiPlatform.Digest, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(raw.StdOut)));
    }

    [Fact]
    public async Task Docker_pulls_runs_and_saves_the_small_image()
    {
        var images = await peers.ImagesAsync();
        var docker = await peers.DockerAsync();
        var image = images.Catalog.Small;
        await Run(docker, "pull", images.Small);
        try
        {
            var id = await Run(docker, "image", "inspect", "--format", "{{.Id}}", images.Small);
            Assert.Equal(image.ConfigDigest.ToString(), id.StdOut.Trim());
            var digests = await Run(docker, "image", "inspect", "--format", "{{json .RepoDigests}}", images.Small);
            Assert.Contains($"{images.Registry.Authority}/{PublishedImages.SmallRepository}@{image.ManifestDigest}", digests.StdOut);

            if (images.Catalog.Busybox is not null)
            {
                var run = await Run(docker, "run", "--rm", "--network", "none", images.Small);
                Assert.Equal(TestImageCatalog.HelloText, run.StdOut);
            }

            using var folder = new TempFolder("mcrsave");
            var archive = folder.Combine("small.tar");
            await Run(docker, "save", "-o", archive, images.Small);
            var saved = SavedArchive.Read(archive);
            Assert.Equal(image.ConfigDigest, saved.ConfigDigest);
            Assert.Equal([$"{images.Registry.Authority}/{PublishedImages.SmallRepository}:{PublishedImages.Tag}"], saved.RepoTags);
            Assert.Equal(image.DiffIds, saved.LayerDiffIds);
        }
        finally
        {
            await docker.RunAsync(["image", "rm", "--force", images.Small], cancellationToken: Token);
        }
    }

    [Fact]
    public async Task Containerd_pulls_and_checks_the_zstd_image()
    {
        var images = await peers.ImagesAsync();
        var containerd = await peers.ContainerdAsync();
        var pulled = await containerd.RunAsync(["images", "pull", "--plain-http", images.Zstd], cancellationToken: Token);
        pulled.EnsureSuccess();
        try
        {
            var check = (await containerd.RunAsync(["images", "check"], cancellationToken: Token)).EnsureSuccess();
            Assert.Contains(images.Zstd, check.StdOut);
            Assert.Contains("complete", check.StdOut);
            var list = (await containerd.RunAsync(["images", "ls"], cancellationToken: Token)).EnsureSuccess();
            Assert.Contains(images.Catalog.Zstd.ManifestDigest.ToString(), list.StdOut);
        }
        finally
        {
            await containerd.RunAsync(["images", "rm", images.Zstd], cancellationToken: Token);
        }
    }

    [Fact]
    public async Task Podman_pulls_the_small_image()
    {
        var images = await peers.ImagesAsync();
        var podman = await peers.PodmanAsync();
        (await podman.RunAsync(["pull", "--quiet", "--tls-verify=false", images.Small], cancellationToken: Token)).EnsureSuccess();
        try
        {
            var id = (await podman.RunAsync(["image", "inspect", "--format", "{{.Id}}", images.Small], cancellationToken: Token))
                .EnsureSuccess();
            Assert.Equal(images.Catalog.Small.ConfigDigest.Encoded, id.StdOut.Trim());
        }
        finally
        {
            await podman.RunAsync(["rmi", "--force", images.Small], cancellationToken: Token);
        }
    }

    private static async Task<ProcessResult> Run(string program, params string[] arguments) =>
        (await ProcessRunner.RunAsync(program, arguments, cancellationToken: Token)).EnsureSuccess();

    private static async Task<ProcessResult> Run(DockerPeer docker, params string[] arguments) =>
        (await docker.RunAsync(arguments, cancellationToken: Token)).EnsureSuccess();
}
