using System.Text;
using McrExport.Model;
using McrExport.PeerTests.Harness;
using McrExport.PeerTests.Images;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>
/// <c>--split</c> as the offline side meets it: the parts joined by <c>cat</c> straight into <c>docker load</c> and
/// <c>ctr images import -</c>, with no mcr-export there; also when the archive carries the image's referrers (a
/// Notary-style signature by the referrers tag schema, a cosign-style <c>.sig</c> tag) beside it.
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

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Descriptor(string mediaType, byte[] bytes) =>
        $"{{\"mediaType\":\"{mediaType}\",\"digest\":\"{Digest.Compute(bytes)}\",\"size\":{bytes.Length}}}";

    /// <summary>
    /// Puts a Notary-style signature of <paramref name="image"/> (listed in the tag schema's index <c>sha256-&lt;hex&gt;</c>)
    /// and a cosign-style signature (tag <c>sha256-&lt;hex&gt;.sig</c>) into <paramref name="repository"/>, as the
    /// specs shape them; their digests.
    /// </summary>
    private async Task<(Digest Notary, Digest Cosign)> SignAsync(Uri registry, string repository, TestImage image)
    {
        using var client = new RegistryClient(registry);
        var empty = Utf8("{}");
        var envelope = Utf8("{\"payload\":\"eyJ0YXJnZXRBcnRpZmFjdCI6e319\",\"protected\":\"eyJhbGciOiJQUzI1NiJ9\",\"signature\":\"c2ln\"}");
        var subject = $"{{\"mediaType\":\"{image.ManifestMediaType}\",\"digest\":\"{image.ManifestDigest}\",\"size\":{image.ManifestBytes.Length}}}";
        var notary = Utf8($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",\"artifactType\":\"application/vnd.cncf.notary.signature\"," +
            $"\"config\":{Descriptor(MediaTypes.OciEmpty, empty)},\"layers\":[{Descriptor("application/jose+json", envelope)}],\"subject\":{subject}}}");
        var payload = Utf8($"{{\"critical\":{{\"image\":{{\"docker-manifest-digest\":\"{image.ManifestDigest}\"}},\"type\":\"cosign container image signature\"}}}}");
        var config = Utf8($"{{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{Digest.Compute(payload)}\"]}},\"config\":{{}}}}");
        var cosign = Utf8($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",\"config\":{Descriptor(MediaTypes.OciConfig, config)}," +
            $"\"layers\":[{Descriptor("application/vnd.dev.cosign.simplesigning.v1+json", payload)}]}}");
        foreach (var blob in new[] { empty, envelope, payload, config }) await client.PushBlobAsync(repository, Digest.Compute(blob), blob, Token);
        await client.PushManifestAsync(repository, Digest.Compute(notary).ToString(), MediaTypes.OciManifest, notary, Token);
        var index = Utf8($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{{\"mediaType\":\"{MediaTypes.OciManifest}\"," +
            $"\"digest\":\"{Digest.Compute(notary)}\",\"size\":{notary.Length},\"artifactType\":\"application/vnd.cncf.notary.signature\"}}]}}");
        var hex = image.ManifestDigest.Encoded;
        await client.PushManifestAsync(repository, $"sha256-{hex}", MediaTypes.OciIndex, index, Token);
        await client.PushManifestAsync(repository, $"sha256-{hex}.sig", MediaTypes.OciManifest, cosign, Token);
        return (Digest.Compute(notary), Digest.Compute(cosign));
    }

    [Fact]
    public async Task A_signed_image_copied_into_split_parts_loads_in_docker_and_containerd_with_its_signatures_beside()
    {
        var (reference, image) = await BigImageAsync();
        var registry = await Peers.RegistryAsync();
        var (notary, cosign) = await SignAsync(registry.BaseUri, Repository, image);
        var docker = await Peers.DockerAsync();
        var containerd = await Peers.ContainerdAsync();
        var output = Folder.Combine("signed.tar");

        var copied = await ProcessRunner.RunAsync(McrExportTool.Dotnet, [McrExportTool.Assembly, "copy", $"docker://{reference}", $"docker-archive:{output}",
            "--split", "1M", "--referrers", "--cache-dir", Folder.Combine("cache")], McrExportTool.Timeout, Token);
        copied.EnsureSuccess();
        Assert.Contains("wrote 1 image(s), 2 artifact(s)", copied.StdOut);
        var parts = Directory.GetFiles(Folder.Path, "signed.tar.0*").Order(StringComparer.Ordinal).ToArray();
        Assert.True(parts.Length >= 4, $"{parts.Length} parts");
        var verified = await ProcessRunner.RunAsync(McrExportTool.Dotnet, [McrExportTool.Assembly, "verify", output + ".001"], McrExportTool.Timeout, Token);
        verified.EnsureSuccess();
        Assert.Contains("with 1 Notary signature, 1 cosign signature", verified.StdOut);
        Assert.Contains(notary.ToString(), verified.StdOut);
        Assert.Contains(cosign.ToString(), verified.StdOut);

        await docker.RunAsync(["image", "rm", "--force", reference], cancellationToken: Token);
        await containerd.RunAsync(["images", "rm", reference], cancellationToken: Token);
        try
        {
            var (cat, load) = await ProcessRunner.PipeAsync(("cat", parts), docker.Command("load"), McrExportTool.Timeout, Token);
            Assert.True(cat.Succeeded, cat.Describe());
            load.EnsureSuccess();
            Assert.Contains($"Loaded image: {reference}", load.StdOut);
            Assert.Equal(image.ConfigDigest.ToString(), (await Run(docker, "image", "inspect", "--format", "{{.Id}}", reference)).StdOut.Trim());

            var (cat2, import) = await ProcessRunner.PipeAsync(("cat", parts), containerd.Command("images", "import", "-"), McrExportTool.Timeout, Token);
            Assert.True(cat2.Succeeded, cat2.Describe());
            import.EnsureSuccess();
            Assert.Contains($"unpacking {reference} ({image.ManifestDigest})", import.StdOut + import.StdErr);
            var status = (await Run(containerd, "images", "check")).StdOut.Split('\n').Single(l => l.StartsWith(reference + " ", StringComparison.Ordinal));
            Assert.Contains("complete", status);
        }
        finally
        {
            await docker.RunAsync(["image", "rm", "--force", reference], cancellationToken: Token);
            await containerd.RunAsync(["images", "rm", reference], cancellationToken: Token);
        }
    }

    [Fact]
    public async Task Podman_loads_a_signed_docker_tar_and_refuses_a_signed_oci_tar_as_it_refuses_any_with_several_manifests()
    {
        var (reference, image) = await BigImageAsync();
        var registry = await Peers.RegistryAsync();
        await SignAsync(registry.BaseUri, Repository, image);
        var podman = await Peers.PodmanAsync();
        var dockerTar = Folder.Combine("signed-podman.tar");
        var ociTar = Folder.Combine("signed-podman.oci.tar");
        await McrExportTool.ExportAsync(Token, [reference, "-f", "docker-tar", "-o", dockerTar, "--referrers", "--quiet"]);
        await McrExportTool.ExportAsync(Token, [reference, "-f", "oci-tar", "-o", ociTar, "--referrers", "--quiet"]);
        await podman.RunAsync(["rmi", "--force", reference], cancellationToken: Token);
        try
        {
            await Run(podman, "load", "-i", dockerTar);
            var id = await Run(podman, "image", "inspect", "--format", "{{.Id}}", reference);
            Assert.Equal(image.ConfigDigest.Encoded, id.StdOut.Trim());
            await podman.RunAsync(["rmi", "--force", reference], cancellationToken: Token);

            // podman 4.3 loads one manifest from an OCI archive only; the signatures beside the image make three.
            var refused = await podman.RunAsync(["load", "-i", ociTar], cancellationToken: Token);
            Assert.False(refused.Succeeded, refused.Describe());
        }
        finally
        {
            await podman.RunAsync(["rmi", "--force", reference], cancellationToken: Token);
        }
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
