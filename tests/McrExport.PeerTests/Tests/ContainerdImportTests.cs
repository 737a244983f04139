using McrExport.Model;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary><c>ctr images import</c> (containerd 1.6) of our docker-tar and oci-tar outputs.</summary>
public sealed class ContainerdImportTests(Peers.Peers peers) : PeerTestBase(peers)
{
    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    public async Task Imports_the_small_image_complete_with_the_registry_digest(string format)
    {
        var images = await Peers.ImagesAsync();
        await ImportAndCheckAsync(images.Small, format, images.Catalog.Small.ManifestDigest, allPlatforms: false);
    }

    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    public async Task Imports_the_zstd_image(string format)
    {
        var images = await Peers.ImagesAsync();
        await ImportAndCheckAsync(images.Zstd, format, images.Catalog.Zstd.ManifestDigest, allPlatforms: false);
    }

    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    public async Task Imports_the_windows_like_image_with_its_foreign_layer(string format)
    {
        var images = await Peers.ImagesAsync();
        await ImportAndCheckAsync(images.Windows, format, images.Catalog.WindowsLike.ManifestDigest, allPlatforms: true,
            images.WindowsExportOptions);
    }

    private async Task ImportAndCheckAsync(string reference, string format, Digest expected, bool allPlatforms,
        params string[] exportOptions)
    {
        var containerd = await Peers.ContainerdAsync();
        var archive = await ExportAsync(reference, format, exportOptions);
        await containerd.RunAsync(["images", "rm", reference], cancellationToken: Token);
        try
        {
            List<string> import = ["images", "import"];
            if (allPlatforms) import.AddRange(["--all-platforms", "--no-unpack"]);
            import.Add(archive);
            var imported = await Run(containerd, [.. import]);
            if (!allPlatforms) Assert.Contains($"unpacking {reference} ({expected})", imported.StdOut + imported.StdErr);

            var list = await Run(containerd, "images", "ls");
            var line = list.StdOut.Split('\n').SingleOrDefault(l => l.StartsWith(reference + " ", StringComparison.Ordinal));
            Assert.True(line is not null, $"{reference} is not listed:\n{list.StdOut}");
            Assert.Contains(expected.ToString(), line);

            var check = await Run(containerd, "images", "check");
            var status = check.StdOut.Split('\n').Single(l => l.StartsWith(reference + " ", StringComparison.Ordinal));
            Assert.Contains("complete", status);
        }
        finally
        {
            await containerd.RunAsync(["images", "rm", reference], cancellationToken: Token);
        }
    }
}
