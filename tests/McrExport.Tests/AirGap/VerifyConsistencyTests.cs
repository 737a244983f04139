using System.Text;
using System.Text.Json.Nodes;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;
using ZstdSharp;

namespace McrExport.Tests.AirGap;

/// <summary><c>verify</c> cross-checks the documents of an archive and decompresses zstd layers.</summary>
public sealed class VerifyConsistencyTests
{
    [Fact]
    public async Task Manifest_json_that_disagrees_with_index_json_or_escapes_the_archive_fails()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("team/a", "1.0", ArchiveFixtures.Variant("a"));
        using var temp = new TempFolder();
        var tar = temp.Combine("x.tar");
        await ArchiveFixtures.ExportAsync(temp, tar, [registry.Reference("team/a", "1.0")], ct);
        var files = TarContents.Read(tar).ToFiles();
        var manifest = JsonNode.Parse(files["manifest.json"])!.AsArray();
        manifest[0]!["RepoTags"] = new JsonArray("elsewhere/a:2.0");
        manifest[0]!["Layers"]![1] = "../../etc/passwd";
        var broken = temp.Combine("broken.tar");
        ArchiveRewriter.Replace(tar, broken, new Dictionary<string, byte[]> { ["manifest.json"] = Encoding.UTF8.GetBytes(manifest.ToJsonString()) });

        var result = await CliRunner.RunAsync(["verify", broken], cancellationToken: ct);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains($"{broken}:manifest.json: RepoTags [elsewhere/a:2.0]", result.Error);
        Assert.Contains($"disagree with index.json names [{registry.Authority}/team/a:1.0]", result.Error);
        Assert.Contains($"{broken}:manifest.json: layer path '../../etc/passwd' is not a blob path inside the archive", result.Error);
        Assert.Contains($"{broken}:repositories: {registry.Authority}/team/a:1.0 is not in manifest.json RepoTags", result.Error);
    }

    [Fact]
    public async Task A_zstd_layer_is_decompressed_and_checked_against_its_diff_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var tarBytes = Layer.Tar([LayerFile.Text("z.txt", "zstd layer\n")]);
        using var compressor = new Compressor(3);
        var zstd = compressor.Wrap(tarBytes).ToArray();
        var layer = new Layer(zstd, Digest.Compute(zstd), Digest.Compute(tarBytes), MediaTypes.OciLayerZstd);
        var image = TestImages.Image(new Platform("linux", "amd64"), [layer], ManifestFormat.Oci);
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("team/z", "1", image);
        using var temp = new TempFolder();
        var layout = temp.Combine("layout");
        await ArchiveFixtures.ExportAsync(temp, layout, [registry.Reference("team/z", "1")], ct, "--format", "oci");

        var good = await CliRunner.RunAsync(["verify", layout], cancellationToken: ct);
        Assert.True(good.ExitCode == 0, good.Error);

        var path = Path.Combine(layout, "blobs", "sha256", layer.Digest.Encoded);
        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 0xff;
        File.WriteAllBytes(path, bytes);
        var bad = await CliRunner.RunAsync(["verify", layout], cancellationToken: ct);
        Assert.Equal(6, bad.ExitCode);
        Assert.Contains($"{path}: the content hashes to", bad.Error);
        Assert.Contains($"{path}: the layer 0 ", bad.Error);
    }
}
