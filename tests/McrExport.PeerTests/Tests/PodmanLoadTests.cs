using McrExport.PeerTests.Images;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary><c>podman load</c> (podman 4.3, containers/image) of our docker-tar and oci-tar outputs.</summary>
public sealed class PodmanLoadTests(Peers.Peers peers) : PeerTestBase(peers)
{
    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    public async Task Loads_the_small_image_with_the_config_digest_as_id(string format)
    {
        var images = await Peers.ImagesAsync();
        await LoadAndCheckAsync(images.Small, format, images.Catalog.Small);
    }

    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    public async Task Loads_the_zstd_image(string format)
    {
        var images = await Peers.ImagesAsync();
        await LoadAndCheckAsync(images.Zstd, format, images.Catalog.Zstd);
    }

    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    public async Task Loads_the_windows_like_image_with_its_foreign_layer(string format)
    {
        var images = await Peers.ImagesAsync();
        await LoadAndCheckAsync(images.Windows, format, images.Catalog.WindowsLike, images.WindowsExportOptions);
    }

    private async Task LoadAndCheckAsync(string reference, string format, TestImage image, params string[] options)
    {
        var podman = await Peers.PodmanAsync();
        var archive = await ExportAsync(reference, format, options);
        try
        {
            var loaded = await Run(podman, "load", "-i", archive);
            Assert.Contains("Loaded image", loaded.StdOut + loaded.StdErr);
            var id = await Run(podman, "image", "inspect", "--format", "{{.Id}}", image.ConfigDigest.Encoded);
            Assert.Equal(image.ConfigDigest.Encoded, id.StdOut.Trim());
            var names = await Run(podman, "image", "inspect", "--format", "{{json .RepoTags}}", image.ConfigDigest.Encoded);
            Assert.Contains(reference, names.StdOut);
        }
        finally
        {
            await podman.RunAsync(["rmi", "--force", image.ConfigDigest.Encoded], cancellationToken: Token);
        }
    }
}
