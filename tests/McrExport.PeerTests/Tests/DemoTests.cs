using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>The README's demo command works: a local registry seeded from testdata, the tool installed from its package.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_exports_the_windows_like_image_and_reuses_the_cache()
    {
        PeerRequirement.RequireLinux();
        PeerRequirement.RequireProgram("docker-registry", "docker-registry");
        PeerRequirement.RequireProgram("python3", "python3");
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "McrExport.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");

        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(root, "demo", "run.sh")], TimeSpan.FromMinutes(8),
            TestContext.Current.CancellationToken, workingDirectory: root);

        Assert.True(result.Succeeded, result.Describe());
        Assert.Contains("seeded 127.0.0.1:5077/windows/servercore:ltsc2019", result.StdOut);
        Assert.Contains("(1 foreign, included)", result.StdErr);
        Assert.Contains("\"LayerSources\"", result.StdOut);
        Assert.Contains("bytes downloaded: 0", result.StdOut);
        Assert.Contains("out/hello-oci/index.json", result.StdOut);
        Assert.True(File.Exists(Path.Combine(root, "out", "servercore-ltsc2019.tar")));
    }
}
