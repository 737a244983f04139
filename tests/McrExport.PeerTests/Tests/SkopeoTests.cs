using System.Text.Json.Nodes;
using McrExport.Model;
using McrExport.PeerTests.Images;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>skopeo 1.9 (containers/image) reads our outputs and copies them back into a registry.</summary>
public sealed class SkopeoTests(Peers.Peers peers) : PeerTestBase(peers)
{
    [Fact]
    public async Task Inspects_and_copies_back_the_docker_archive()
    {
        var images = await Peers.ImagesAsync();
        var archive = await ExportAsync(images.Small, "docker-tar");
        await InspectAndCopyBackAsync($"docker-archive:{archive}", images.Catalog.Small, preserveDigests: false);
    }

    [Fact]
    public async Task Inspects_and_copies_back_the_oci_archive()
    {
        var images = await Peers.ImagesAsync();
        var archive = await ExportAsync(images.Zstd, "oci-tar");
        await InspectAndCopyBackAsync($"oci-archive:{archive}", images.Catalog.Zstd, preserveDigests: true);
    }

    [Fact]
    public async Task Inspects_and_copies_back_the_oci_layout_with_the_same_manifest_digest()
    {
        var images = await Peers.ImagesAsync();
        var layout = await ExportAsync(images.Zstd, "oci");
        await InspectAndCopyBackAsync($"oci:{layout}", images.Catalog.Zstd, preserveDigests: true);
    }

    [Fact]
    public async Task Inspects_and_copies_back_the_oci_media_types_layout_of_a_docker_image()
    {
        var images = await Peers.ImagesAsync();
        var layout = await ExportAsync(images.Small, "oci", "--oci-media-types");
        await InspectAndCopyBackAsync($"oci:{layout}", images.Catalog.Small, preserveDigests: false);
    }

    [Fact]
    public async Task Reads_the_only_image_of_a_layout_kept_in_docker_media_types()
    {
        var images = await Peers.ImagesAsync();
        var layout = await ExportAsync(images.Small, "oci");
        await InspectAndCopyBackAsync($"oci:{layout}", images.Catalog.Small, preserveDigests: true);
    }

    [Fact]
    public async Task Finds_an_image_kept_in_docker_media_types_by_its_ref_name_or_names_the_reference()
    {
        var images = await Peers.ImagesAsync();
        var layout = new OciLayoutReader(await ExportAsync(images.Small, "oci"));
        var inspect = await ProcessRunner.RunAsync(PeerPrograms.Skopeo(),
            ["inspect", $"oci:{layout.Root}:{layout.RefName}"], cancellationToken: Token);
        if (!inspect.Succeeded && inspect.StdErr.Contains("no descriptor found for reference", StringComparison.Ordinal))
        {
            // The real program's limit, recorded as it is: this skopeo looks a ref.name up only among OCI media types,
            // so it does not find a Docker schema2 manifest by name; --oci-media-types is the way for it (tested above).
            Assert.Contains($"reference \\\"{layout.RefName}\\\"", inspect.StdErr);
            return;
        }
        inspect.EnsureSuccess();
        Assert.Equal("linux", (string?)JsonNode.Parse(inspect.StdOut)!["Os"]);
    }

    [Theory]
    [InlineData("docker-tar", "docker-archive")]
    [InlineData("oci-tar", "oci-archive")]
    [InlineData("oci", "oci")]
    public async Task Inspects_the_windows_like_image(string format, string transport)
    {
        var images = await Peers.ImagesAsync();
        var output = await ExportAsync(images.Windows, format, images.WindowsExportOptions);
        var inspect = await InspectAsync($"{transport}:{output}");
        Assert.Equal("windows", (string?)inspect["Os"]);
        var config = await Run(PeerPrograms.Skopeo(), "inspect", "--config", "--raw", $"{transport}:{output}");
        Assert.Equal(images.Catalog.WindowsLike.ConfigDigest, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(config.StdOut)));
    }

    private async Task InspectAndCopyBackAsync(string source, TestImage image, bool preserveDigests)
    {
        var skopeo = PeerPrograms.Skopeo();
        var inspect = await InspectAsync(source);
        Assert.Equal(image.Os, (string?)inspect["Os"]);
        Assert.Equal(image.Layers.Count, inspect["Layers"]!.AsArray().Count);

        var target = await Peers.SecondRegistryAsync();
        var repository = $"roundtrip/{Guid.NewGuid():N}"[..20];
        List<string> copy = ["copy", "--quiet", "--dest-tls-verify=false"];
        if (preserveDigests) copy.Add("--preserve-digests");
        await Run(skopeo, [.. copy, source, $"docker://{target.Reference(repository, "v1")}"]);

        using var client = new RegistryClient(target.BaseUri);
        var stored = await client.GetManifestAsync(repository, "v1", Token);
        var configDigest = (string?)JsonNode.Parse(stored.Bytes)!["config"]!["digest"];
        Assert.Equal(image.ConfigDigest.ToString(), configDigest);
        if (preserveDigests) Assert.Equal(image.ManifestDigest, stored.Digest);
    }

    private static async Task<JsonNode> InspectAsync(string source) =>
        JsonNode.Parse((await Run(PeerPrograms.Skopeo(), "inspect", source)).StdOut)!;
}
