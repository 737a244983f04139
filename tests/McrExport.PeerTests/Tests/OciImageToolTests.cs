using McrExport.PeerTests.Images;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary><c>oci-image-tool validate</c> (1.0.0-rc1) accepts our OCI media type layouts.</summary>
public sealed class OciImageToolTests(Peers.Peers peers) : PeerTestBase(peers)
{
    [Fact]
    public async Task Validates_the_small_linux_layout()
    {
        var images = await Peers.ImagesAsync();
        await ValidateAsync(await ExportAsync(images.Small, "oci", "--oci-media-types"));
    }

    [Fact]
    public async Task Validates_the_windows_like_layout()
    {
        var images = await Peers.ImagesAsync();
        await ValidateAsync(await ExportAsync(images.Windows, "oci", [.. images.WindowsExportOptions, "--oci-media-types"]));
    }

    private static async Task ValidateAsync(string layoutPath)
    {
        var layout = new OciLayoutReader(layoutPath);
        var result = await Run(PeerPrograms.OciImageTool(), "validate", "--type", "image", "--ref", $"name={layout.RefName}", layoutPath);
        Assert.Contains("Validation succeeded", result.StdOut + result.StdErr);
    }
}
