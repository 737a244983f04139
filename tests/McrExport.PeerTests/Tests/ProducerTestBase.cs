using System.Text.Json;
using McrExport.Model;
using McrExport.PeerTests.Harness;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>
/// What the producer tests share: an archive another program made is verified, pushed into a distribution registry
/// and read back by skopeo with the same config digest, and converted by <c>copy</c> into another format.
/// </summary>
public abstract class ProducerTestBase(Peers.Peers peers) : PeerTestBase(peers)
{
    /// <summary>Runs mcr-export and fails the test with its output unless it exits with 0.</summary>
    protected async Task<ProcessResult> Tool(params string[] arguments) =>
        (await ProcessRunner.RunAsync(McrExportTool.Dotnet, [McrExportTool.Assembly, .. arguments], McrExportTool.Timeout, Token)).EnsureSuccess();

    /// <summary>Runs mcr-export and returns whatever happened.</summary>
    protected Task<ProcessResult> TryTool(params string[] arguments) =>
        ProcessRunner.RunAsync(McrExportTool.Dotnet, [McrExportTool.Assembly, .. arguments], McrExportTool.Timeout, Token);

    protected string Cache => Folder.Combine("cache");

    /// <summary><c>verify</c> says ok and names <paramref name="images"/> images.</summary>
    protected async Task<ProcessResult> VerifyAsync(string archive, int images)
    {
        var verified = await Tool("verify", archive);
        Assert.Contains($"ok: {images} image(s)", verified.StdOut);
        return verified;
    }

    /// <summary>
    /// Pushes the archive's one image into the second registry as <c>producers/NAME:v1</c>, checks that skopeo reads
    /// it back with <paramref name="config"/> as its config (so the image ID is kept), and returns the reference.
    /// </summary>
    protected async Task<string> PushAndReadBackAsync(string archive, string name, Digest config, params string[] options)
    {
        var registry = await Peers.SecondRegistryAsync();
        var destination = registry.Reference($"producers/{name}", "v1");
        var pushed = await Tool(["push", archive, destination, "--cache-dir", Cache, .. options]);
        Assert.Contains($"{destination}@sha256:", pushed.StdOut);
        Assert.Equal(config, await ConfigDigestAsync($"docker://{destination}", "--tls-verify=false"));
        return destination;
    }

    /// <summary>The config digest of the manifest skopeo reads at <paramref name="transportReference"/>.</summary>
    protected async Task<Digest> ConfigDigestAsync(string transportReference, params string[] options)
    {
        var raw = await Run(PeerPrograms.Skopeo(), ["inspect", "--raw", .. options, transportReference]);
        using var doc = JsonDocument.Parse(raw.StdOut);
        return Digest.Parse(doc.RootElement.GetProperty("config").GetProperty("digest").GetString());
    }

    /// <summary>Loads a docker archive into docker and checks the image ID is the config digest.</summary>
    protected async Task DockerLoadsAsync(string archive, Digest config)
    {
        var docker = await Peers.DockerAsync();
        await Run(docker, "load", "-i", archive);
        var id = await Run(docker, "image", "inspect", "--format", "{{.Id}}", config.ToString());
        Assert.Equal(config.ToString(), id.StdOut.Trim());
        await docker.RunAsync(["rmi", "--force", config.ToString()], cancellationToken: Token);
    }

    /// <summary>Loads an archive (docker-archive or oci-archive) into podman and checks the image ID is the config digest.</summary>
    protected async Task PodmanLoadsAsync(string archive, Digest config)
    {
        var podman = await Peers.PodmanAsync();
        await Run(podman, "load", "-i", archive);
        var id = await Run(podman, "image", "inspect", "--format", "{{.Id}}", config.Encoded);
        Assert.Equal(config.Encoded, id.StdOut.Trim());
        await podman.RunAsync(["rmi", "--force", config.Encoded], cancellationToken: Token);
    }

    /// <summary>Imports an archive into containerd; <c>ctr images check</c> finds it complete.</summary>
    protected async Task ContainerdImportsAsync(string archive, string name)
    {
        var containerd = await Peers.ContainerdAsync();
        await Run(containerd, "images", "import", "--no-unpack", archive);
        var check = await Run(containerd, "images", "check");
        Assert.Contains(name, check.StdOut);
        Assert.DoesNotContain("incomplete", check.StdOut.Split('\n').Single(l => l.Contains(name, StringComparison.Ordinal)));
        await containerd.RunAsync(["images", "rm", name], cancellationToken: Token);
    }
}
