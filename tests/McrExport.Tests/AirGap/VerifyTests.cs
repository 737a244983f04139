using McrExport.Archive;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.AirGap;

/// <summary><c>verify</c> accepts what export writes and names the file for each kind of damage.</summary>
public sealed class VerifyTests
{
    private static async Task<(FakeRegistry Registry, TestImage A, TestImage B)> StartAsync(CancellationToken ct)
    {
        var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var a = ArchiveFixtures.Variant("a");
        var b = ArchiveFixtures.Variant("b");
        registry.Push("team/a", "1.0", a);
        registry.Push("team/b", "1.0", b);
        return (registry, a, b);
    }

    private static Task<CliRunner.Result> VerifyAsync(string path, CancellationToken ct) => CliRunner.RunAsync(["verify", path], cancellationToken: ct);

    [Theory]
    [InlineData("docker-tar", "x.tar")]
    [InlineData("oci-tar", "x.tar")]
    [InlineData("oci", "layout")]
    public async Task What_export_writes_verifies_and_each_image_is_reported_with_platform(string format, string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, a, b) = await StartAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();
        await ArchiveFixtures.ExportAsync(temp, temp.Combine(name), [registry.Reference("team/a", "1.0"), registry.Reference("team/b", "1.0")], ct, "--format", format);

        var result = await VerifyAsync(temp.Combine(name), ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"{registry.Authority}/team/a:1.0  windows/amd64 (10.0.17763.6532)  {a.ManifestDigest}", result.Out);
        Assert.Contains($"{registry.Authority}/team/b:1.0  windows/amd64 (10.0.17763.6532)  {b.ManifestDigest}", result.Out);
        Assert.Contains("ok: 2 image(s)", result.Out);
    }

    [Fact]
    public async Task Uncompressed_docker_tar_verifies_from_manifest_json_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, _, _) = await StartAsync(ct);
        await using var __ = registry;
        using var temp = new TempFolder();
        await ArchiveFixtures.ExportAsync(temp, temp.Combine("u.tar"), [registry.Reference("team/a", "1.0")], ct, "--uncompressed-layers");

        var result = await VerifyAsync(temp.Combine("u.tar"), ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"{registry.Authority}/team/a:1.0", result.Out);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_layer_fails_with_the_layer_file_named()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, a, _) = await StartAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();
        var tar = temp.Combine("x.tar");
        await ArchiveFixtures.ExportAsync(temp, tar, [registry.Reference("team/a", "1.0")], ct);
        var layer = a.Layers[1].Digest;
        var entry = TarImageArchive.OpenTar(tar).Entries[$"blobs/sha256/{layer.Encoded}"];
        await using (var file = new FileStream(tar, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = entry.Offset + entry.Size / 2;
            var b = (byte)file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(b ^ 0x01));
        }

        var result = await VerifyAsync(tar, ct);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains($"{tar}:blobs/sha256/{layer.Encoded}: the content hashes to", result.Error);
    }

    [Fact]
    public async Task A_truncated_tar_fails_as_truncated()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, _, _) = await StartAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();
        var tar = temp.Combine("x.tar");
        await ArchiveFixtures.ExportAsync(temp, tar, [registry.Reference("team/a", "1.0")], ct);
        await using (var file = new FileStream(tar, FileMode.Open, FileAccess.ReadWrite)) file.SetLength(file.Length - 1500);

        var result = await VerifyAsync(tar, ct);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("truncated", result.Error);
        Assert.Contains(tar, result.Error);
    }

    [Fact]
    public async Task A_missing_blob_in_a_layout_fails_with_its_path()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, a, _) = await StartAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();
        var layout = temp.Combine("layout");
        await ArchiveFixtures.ExportAsync(temp, layout, [registry.Reference("team/a", "1.0")], ct, "--format", "oci");
        var path = Path.Combine(layout, "blobs", "sha256", a.Layers[0].Digest.Encoded);
        File.Delete(path);

        var result = await VerifyAsync(layout, ct);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains($"{path}: missing (layer 0)", result.Error);
    }

    [Fact]
    public async Task A_layer_that_does_not_decompress_to_its_diff_id_fails()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var layer = Layer.FromFiles(("a.txt", "a\n"));
        var platform = new Platform("linux", "amd64");
        var wrong = Digest.Compute("not the tar"u8);
        var config = TestImages.Config(platform, [wrong]);
        var manifest = TestImages.Manifest(MediaTypes.DockerManifest, new Descriptor(MediaTypes.DockerConfig, Digest.Compute(config), config.Length), [layer.Descriptor]);
        registry.Push("bad/diff", "1", new TestImage(platform, config, MediaTypes.DockerConfig, manifest, MediaTypes.DockerManifest, [layer]));
        using var temp = new TempFolder();
        var layout = temp.Combine("layout");
        var exported = await CliRunner.RunAsync([registry.Reference("bad/diff", "1"), "-o", layout, "--format", "oci", "--cache-dir", temp.Combine("cache")], cancellationToken: ct);
        Assert.True(exported.ExitCode == 0, exported.Error);

        var result = await VerifyAsync(layout, ct);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains($"{Path.Combine(layout, "blobs", "sha256", layer.Digest.Encoded)}: the layer 0 decompresses to {layer.DiffId}, but the config's diff_id is {wrong}", result.Error);
    }

    [Fact]
    public async Task A_layout_with_a_link_out_of_it_fails()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, a, _) = await StartAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();
        var layout = temp.Combine("layout");
        await ArchiveFixtures.ExportAsync(temp, layout, [registry.Reference("team/a", "1.0")], ct, "--format", "oci");
        var path = Path.Combine(layout, "blobs", "sha256", a.Layers[1].Digest.Encoded);
        File.Delete(path);
        File.CreateSymbolicLink(path, "/etc/hostname");

        var result = await VerifyAsync(layout, ct);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains($"{path}: is a link to '/etc/hostname'", result.Error);
    }
}
