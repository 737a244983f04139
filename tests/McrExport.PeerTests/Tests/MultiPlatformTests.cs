using McrExport.Model;
using McrExport.PeerTests.Images;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>The platform picked from the multi-platform index is the one the peers find in the output.</summary>
public sealed class MultiPlatformTests(Peers.Peers peers) : PeerTestBase(peers)
{
    [Theory]
    [InlineData("linux/arm64", null, "linux", "arm64", null)]
    [InlineData("windows/amd64", "10.0.17763", "windows", "amd64", "10.0.17763.6532")]
    [InlineData("windows/amd64", "10.0.20348", "windows", "amd64", "10.0.20348.2849")]
    public async Task Skopeo_reads_the_picked_platform_from_the_docker_archive(string platform, string? osVersion,
        string os, string architecture, string? expectedOsVersion)
    {
        var images = await Peers.ImagesAsync();
        var expected = images.Catalog.MultiPlatform.Images.Single(i =>
            i.Os == os && i.Architecture == architecture && i.OsVersion == expectedOsVersion);
        string[] options = osVersion is null ? ["--platform", platform] : ["--platform", platform, "--os-version", osVersion];
        var archive = await ExportAsync(images.Multi, "docker-tar", options);
        Assert.Equal(expected.ConfigDigest, SavedArchive.Read(archive).ConfigDigest);
        var config = await Run(PeerPrograms.Skopeo(), "inspect", "--config", "--raw", $"docker-archive:{archive}");
        Assert.Equal(expected.ConfigDigest, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(config.StdOut)));
    }

    [Fact]
    public async Task Containerd_imports_the_arm64_oci_tar_complete()
    {
        var images = await Peers.ImagesAsync();
        var containerd = await Peers.ContainerdAsync();
        var arm64 = images.Catalog.MultiPlatform.Images.Single(i => i.Architecture == "arm64");
        var archive = await ExportAsync(images.Multi, "oci-tar", "--platform", "linux/arm64");
        await containerd.RunAsync(["images", "rm", images.Multi], cancellationToken: Token);
        try
        {
            await Run(containerd, "images", "import", "--all-platforms", "--no-unpack", archive);
            var list = await Run(containerd, "images", "ls");
            var line = list.StdOut.Split('\n').SingleOrDefault(l => l.StartsWith(images.Multi + " ", StringComparison.Ordinal));
            Assert.True(line is not null, $"{images.Multi} is not listed:\n{list.StdOut}");
            Assert.Contains(arm64.ManifestDigest.ToString(), line);
            Assert.Contains("linux/arm64", line);
            var check = await Run(containerd, "images", "check");
            Assert.Contains("complete", check.StdOut.Split('\n').Single(l => l.StartsWith(images.Multi + " ", StringComparison.Ordinal)));
        }
        finally
        {
            await containerd.RunAsync(["images", "rm", images.Multi], cancellationToken: Token);
        }
    }
}
