using System.Diagnostics;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>
/// The README's demo command works: a local registry on a free port seeded with the demo's images, the tool
/// installed from its package; and it keeps to itself: with its port taken by another registry it stops at once with
/// a message (no traceback), seeds nothing there, and leaves no process or temporary folder behind.
/// </summary>
public sealed class DemoTests
{
    private static string Root()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "McrExport.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        return root;
    }

    private static void RequirePeers()
    {
        PeerRequirement.RequireLinux();
        PeerRequirement.RequireProgram("docker-registry", "docker-registry");
        PeerRequirement.RequireProgram("python3", "python3");
    }

    private static string[] DemoFolders() => Directory.GetDirectories(Path.GetTempPath(), "mcr-export-demo.*");

    [Fact]
    public async Task Demo_exports_the_windows_like_image_and_reuses_the_cache()
    {
        RequirePeers();
        var root = Root();

        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(root, "demo", "run.sh")], TimeSpan.FromMinutes(8),
            TestContext.Current.CancellationToken, workingDirectory: root);

        Assert.True(result.Succeeded, result.Describe());
        Assert.Matches(@"seeded 127\.0\.0\.1:\d+/windows/servercore:ltsc2019", result.StdOut);
        Assert.DoesNotContain("127.0.0.1:5077", result.StdOut);
        Assert.Matches(@"served at http://127\.0\.0\.2:\d+/fwlink/\?linkid=17763", result.StdOut);
        Assert.Contains("(1 foreign, included)", result.StdErr);
        Assert.Contains("\"LayerSources\"", result.StdOut);
        Assert.Contains("bytes downloaded: 0", result.StdOut);
        Assert.Contains("out/hello-oci/index.json", result.StdOut);
        Assert.True(File.Exists(Path.Combine(root, "out", "servercore-ltsc2019.tar")));
    }

    [Fact]
    public async Task With_its_port_taken_by_another_registry_the_demo_stops_at_once_and_seeds_nothing_there()
    {
        RequirePeers();
        var ct = TestContext.Current.CancellationToken;
        var root = Root();
        await using var other = await RegistryPeer.StartAsync(ct);
        var before = DemoFolders();
        var running = await DemoProcessesAsync(ct);
        var clock = Stopwatch.StartNew();

        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(root, "demo", "run.sh")], TimeSpan.FromMinutes(2), ct, workingDirectory: root,
            environment: new Dictionary<string, string> { ["DEMO_REGISTRY_PORT"] = other.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.ExitCode == 1, result.Describe());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains($"another program listens on 127.0.0.1:{other.Port}", result.StdErr);
        Assert.Contains($"cannot run the registry on 127.0.0.1:{other.Port}", result.StdErr);
        Assert.DoesNotContain("Traceback", result.StdErr + result.StdOut);
        Assert.DoesNotContain("seeded", result.StdOut);
        using var http = new HttpClient();
        var catalog = await http.GetStringAsync(new Uri(other.BaseUri, "v2/_catalog"), ct);
        Assert.Equal("""{"repositories":[]}""", catalog.Trim());
        Assert.Empty(DemoFolders().Except(before));
        Assert.Empty((await DemoProcessesAsync(ct)).Except(running));
    }

    /// <summary>Processes of a demo (its servers and registry), by id.</summary>
    private static async Task<string[]> DemoProcessesAsync(CancellationToken ct) =>
        (await ProcessRunner.RunAsync("pgrep", ["-f", "demo/serve.py|/tmp/mcr-export-demo"], TimeSpan.FromSeconds(10), ct)).StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
