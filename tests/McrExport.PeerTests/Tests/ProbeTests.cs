using System.Text.Json.Nodes;
using McrExport.PeerTests.Harness;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>The tool used as people use it, against the real programs: mistakes and pipes.</summary>
public sealed class ProbeTests(Peers.Peers peers) : PeerTestBase(peers)
{
    /// <summary>
    /// <c>mcr-export copy docker://… oci-archive:- &gt; file</c>: the file is the tar and nothing after it (the result
    /// lines go to standard error), and skopeo reads it.
    /// </summary>
    [Theory]
    [InlineData("oci-archive")]
    [InlineData("docker-archive")]
    public async Task Copy_to_standard_output_writes_only_the_tar_that_skopeo_reads(string transport)
    {
        var images = await Peers.ImagesAsync();
        var archive = Folder.Combine("piped.tar");
        var command = string.Join(' ', new[] { McrExportTool.Dotnet, McrExportTool.Assembly, "copy", $"docker://{images.Small}", $"{transport}:-",
            "--cache-dir", Folder.Combine("cache") }.Select(Quote)) + " > " + Quote(archive);

        var copy = await Run("bash", "-c", command);

        Assert.Contains("wrote 1 image(s) to", copy.StdErr);
        var bytes = await File.ReadAllBytesAsync(archive, Token);
        Assert.True(bytes.Length % 512 == 0, $"{bytes.Length} bytes: something follows the tar");
        Assert.All(bytes[^1024..], b => Assert.Equal(0, b));
        var inspect = await Run(PeerPrograms.Skopeo(), "inspect", $"{transport}:{archive}");
        Assert.Equal("linux", (string?)JsonNode.Parse(inspect.StdOut)!["Os"]);
    }

    /// <summary><c>--platform</c> that the registry's single image is not: exit 3 before anything is written.</summary>
    [Fact]
    public async Task Export_with_a_platform_the_single_image_is_not_fails_with_exit_3()
    {
        var images = await Peers.ImagesAsync();
        var output = Folder.Combine("arm.tar");

        var result = await ProcessRunner.RunAsync(McrExportTool.Dotnet,
            McrExportTool.Arguments(images.Small, "--platform", "linux/arm64/v8", "-o", output), McrExportTool.Timeout, Token);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("not linux/arm64/v8", result.StdErr);
        Assert.False(File.Exists(output));
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
