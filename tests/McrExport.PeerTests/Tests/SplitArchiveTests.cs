using McrExport.Model;
using McrExport.PeerTests.Harness;
using McrExport.PeerTests.Images;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>
/// <c>--split</c> as the offline side meets it: the parts joined by <c>cat</c> straight into <c>docker load</c> and
/// <c>ctr images import -</c>, with no mcr-export there.
/// </summary>
public sealed class SplitArchiveTests(Peers.Peers peers) : PeerTestBase(peers)
{
    private const string Repository = "test/split";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static TestImage? _image;

    /// <summary>A linux/amd64 image of about 3 MiB (incompressible), pushed once into the shared registry.</summary>
    private async Task<(string Reference, TestImage Image)> BigImageAsync()
    {
        var registry = await Peers.RegistryAsync();
        await Gate.WaitAsync(Token);
        try
        {
            if (_image is null)
            {
                var random = new byte[3 * 1024 * 1024 + 4321];
                new Random(15).NextBytes(random);
                var image = new TestImage("linux", "amd64",
                [
                    LayerBlob.Build(MediaTypes.DockerLayerGzip, [new DirectoryEntry("data"), new FileEntry("data/random.bin", random)]),
                    LayerBlob.Build(MediaTypes.DockerLayerGzip, [FileEntry.Text("hello.txt", TestImageCatalog.HelloText)]),
                ], dockerMediaTypes: true, cmd: ["cat", "/hello.txt"]);
                using var client = new RegistryClient(registry.BaseUri);
                foreach (var layer in image.Layers) await client.PushBlobAsync(Repository, layer.Digest, layer.Blob, Token);
                await client.PushBlobAsync(Repository, image.ConfigDigest, image.ConfigBytes, Token);
                await client.PushManifestAsync(Repository, "v1", image.ManifestMediaType, image.ManifestBytes, Token);
                _image = image;
            }
            return (registry.Reference(Repository, "v1"), _image);
        }
        finally { Gate.Release(); }
    }

    private async Task<string[]> ExportPartsAsync(string reference, string format)
    {
        var output = Folder.Combine($"split-{format}.tar");
        await McrExportTool.ExportAsync(Token, [reference, "-f", format, "-o", output, "--split", "1M", "--quiet"]);
        var parts = Directory.GetFiles(Folder.Path, Path.GetFileName(output) + ".0*").Order(StringComparer.Ordinal).ToArray();
        Assert.True(parts.Length >= 4, $"{parts.Length} parts");
        Assert.All(parts, p => Assert.True(new FileInfo(p).Length <= 1024 * 1024));
        Assert.True(File.Exists(output + ".sha256"));
        var check = await ProcessRunner.RunAsync("sha256sum", ["-c", "--ignore-missing", "--strict", Path.GetFileName(output) + ".sha256"],
            workingDirectory: Folder.Path, cancellationToken: Token);
        Assert.True(check.Succeeded, check.Describe());
        Assert.Equal(parts.Length, check.StdOut.Split('\n').Count(l => l.EndsWith(": OK", StringComparison.Ordinal)));
        return parts;
    }

    [Fact]
    public async Task Docker_loads_the_parts_joined_by_cat_with_the_config_digest_as_id()
    {
        var (reference, image) = await BigImageAsync();
        var docker = await Peers.DockerAsync();
        var parts = await ExportPartsAsync(reference, "docker-tar");
        Assert.True(parts.Sum(p => new FileInfo(p).Length) > image.Layers.Sum(l => l.Blob.Length));
        await docker.RunAsync(["image", "rm", "--force", reference], cancellationToken: Token);
        try
        {
            var (cat, load) = await ProcessRunner.PipeAsync(("cat", parts), docker.Command("load"), McrExportTool.Timeout, Token);
            Assert.True(cat.Succeeded, cat.Describe());
            load.EnsureSuccess();
            Assert.Contains($"Loaded image: {reference}", load.StdOut);
            var id = await Run(docker, "image", "inspect", "--format", "{{.Id}}", reference);
            Assert.Equal(image.ConfigDigest.ToString(), id.StdOut.Trim());
            var layers = await Run(docker, "image", "inspect", "--format", "{{json .RootFS.Layers}}", reference);
            Assert.Equal("[" + string.Join(',', image.DiffIds.Select(d => $"\"{d}\"")) + "]", layers.StdOut.Trim());
        }
        finally
        {
            await docker.RunAsync(["image", "rm", "--force", reference], cancellationToken: Token);
        }
    }

    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    public async Task Containerd_imports_the_parts_joined_by_cat_complete_with_the_registry_digest(string format)
    {
        var (reference, image) = await BigImageAsync();
        var containerd = await Peers.ContainerdAsync();
        var parts = await ExportPartsAsync(reference, format);
        await containerd.RunAsync(["images", "rm", reference], cancellationToken: Token);
        try
        {
            var (cat, import) = await ProcessRunner.PipeAsync(("cat", parts), containerd.Command("images", "import", "-"), McrExportTool.Timeout, Token);
            Assert.True(cat.Succeeded, cat.Describe());
            import.EnsureSuccess();
            Assert.Contains($"unpacking {reference} ({image.ManifestDigest})", import.StdOut + import.StdErr);
            var check = await Run(containerd, "images", "check");
            var status = check.StdOut.Split('\n').Single(l => l.StartsWith(reference + " ", StringComparison.Ordinal));
            Assert.Contains("complete", status);
            Assert.Contains(image.ManifestDigest.ToString(), (await Run(containerd, "images", "ls")).StdOut);
        }
        finally
        {
            await containerd.RunAsync(["images", "rm", reference], cancellationToken: Token);
        }
    }
}
