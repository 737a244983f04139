using McrExport.Model;
using McrExport.Output.Split;
using McrExport.Tests.AirGap;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Media;

/// <summary>
/// <c>--split</c> end to end: an export cut into parts smaller than the image, verified from its parts (a flipped
/// byte and a missing part named), joined by <c>cat</c> into the same tar, and pushed from the parts into the real
/// distribution registry with the manifest digest kept.
/// </summary>
public sealed class SplitExportTests
{
    private const string Repository = "media/big";

    private static TestImage BigImage() =>
        TestImages.Image(new Platform("linux", "amd64"), [Layer.Random(3 * 1024 * 1024 + 12345, seed: 15), Layer.FromFiles(LayerFile.Text("hello.txt", "split\n"))]);

    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    public async Task Export_is_cut_into_parts_that_join_into_the_unsplit_archive_and_verify(string format)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = BigImage();
        registry.Push(Repository, "1.0", image);
        using var temp = new TempFolder();
        var whole = temp.Combine("whole.tar");
        var split = temp.Combine("big.tar");

        var one = await CliRunner.RunAsync([registry.Reference(Repository, "1.0"), "-f", format, "-o", whole, "--cache-dir", temp.Combine("cache")], cancellationToken: ct);
        Assert.True(one.ExitCode == 0, one.Error);
        var parts = await CliRunner.RunAsync([registry.Reference(Repository, "1.0"), "-f", format, "-o", split, "--split", "1M",
            "--cache-dir", temp.Combine("cache")], cancellationToken: ct);
        Assert.True(parts.ExitCode == 0, parts.Error);
        Assert.Contains("4 parts big.tar.001 … big.tar.004", parts.Error);
        Assert.False(File.Exists(split));

        var files = Directory.GetFiles(temp.Path, "big.tar*").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal<string>(["big.tar.001", "big.tar.002", "big.tar.003", "big.tar.004", "big.tar.sha256"], files);
        var wholeBytes = File.ReadAllBytes(whole);
        Assert.True(wholeBytes.Length > 3 * 1024 * 1024);
        var joined = Enumerable.Range(1, 4).SelectMany(n => File.ReadAllBytes(SplitOutput.PartPath(split, n))).ToArray();
        Assert.All(Enumerable.Range(1, 3), n => Assert.Equal(1024 * 1024, new FileInfo(SplitOutput.PartPath(split, n)).Length));
        // The same archive: the same entries with the same bytes (their order follows the order blobs completed).
        Assert.Equal(wholeBytes.Length, joined.Length);
        var wholeFiles = TarContents.Read(wholeBytes).ToFiles();
        var joinedFiles = TarContents.Read(joined).ToFiles();
        Assert.Equal(wholeFiles.Keys.Order(StringComparer.Ordinal), joinedFiles.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in wholeFiles) Assert.True(bytes.AsSpan().SequenceEqual(joinedFiles[name]), $"{name} differs");
        Assert.EndsWith($"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(joined))}  big.tar\n",
            File.ReadAllText(SplitOutput.ChecksumPath(split)));

        foreach (var given in new[] { split + ".001", split + ".sha256", split })
        {
            var verified = await CliRunner.RunAsync(["verify", given], cancellationToken: ct);
            Assert.True(verified.ExitCode == 0, verified.Error);
            Assert.Contains("4 parts checked against their .sha256", verified.Out);
            Assert.Contains(image.ManifestDigest.ToString(), verified.Out);
        }
    }

    [Fact]
    public async Task Verify_names_a_part_with_a_flipped_byte_and_a_missing_part()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push(Repository, "1.0", BigImage());
        using var temp = new TempFolder();
        var split = temp.Combine("big.tar");
        var parts = await CliRunner.RunAsync([registry.Reference(Repository, "1.0"), "-o", split, "--split", "1M", "--no-cache"], cancellationToken: ct);
        Assert.True(parts.ExitCode == 0, parts.Error);

        var part2 = SplitOutput.PartPath(split, 2);
        var bytes = File.ReadAllBytes(part2);
        bytes[123_456] ^= 0x40;
        File.WriteAllBytes(part2, bytes);
        var flipped = await CliRunner.RunAsync(["verify", split + ".001"], cancellationToken: ct);
        Assert.Equal(6, flipped.ExitCode);
        Assert.Contains($"error: {part2}: damaged: its sha256 is", flipped.Error);
        Assert.Contains("the content hashes to", flipped.Error);
        bytes[123_456] ^= 0x40;
        File.WriteAllBytes(part2, bytes);

        File.Delete(SplitOutput.PartPath(split, 3));
        var missing = await CliRunner.RunAsync(["verify", split + ".sha256"], cancellationToken: ct);
        Assert.Equal(6, missing.ExitCode);
        Assert.Contains($"error: {SplitOutput.PartPath(split, 3)}: missing (part 3 of 4)", missing.Error);
        Assert.DoesNotContain(part2, missing.Error);

        var push = await CliRunner.RunAsync(["push", split + ".001", $"{registry.Authority}/x/y:1"], cancellationToken: ct);
        Assert.Equal(6, push.ExitCode);
        Assert.Contains($"{SplitOutput.PartPath(split, 3)}: missing", push.Error);
    }

    [Theory]
    [InlineData("-o", "-", "standard output")]
    [InlineData("-f", "oci", "needs a tar format")]
    [InlineData("--split", "4X", "not a size")]
    [InlineData("--split", "100K", "less than the smallest part size")]
    public async Task Split_with_standard_output_a_folder_or_a_bad_size_is_a_usage_error_before_the_network(string option, string value, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push(Repository, "1.0", TestImages.Small("x"));
        using var temp = new TempFolder();
        List<string> args = [registry.Reference(Repository, "1.0"), "--no-cache", option, value];
        if (option != "-o") args.AddRange(["-o", temp.Combine("out")]);
        if (option != "--split") args.AddRange(["--split", "4G"]);
        var result = await CliRunner.RunAsync(args, cancellationToken: ct);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Empty(registry.Requests);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Push_reads_the_parts_and_keeps_the_manifest_digest_in_a_distribution_registry()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = BigImage();
        registry.Push(Repository, "1.0", image);
        await using var target = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();
        var split = temp.Combine("big.tar");
        var parts = await CliRunner.RunAsync([registry.Reference(Repository, "1.0"), "-o", split, "--split", "1M", "--no-cache"], cancellationToken: ct);
        Assert.True(parts.ExitCode == 0, parts.Error);

        var pushed = await CliRunner.RunAsync(["push", split + ".001", $"{target.Authority}/airgap/big:1.0", "--insecure-registry", target.Authority,
            "--cache-dir", temp.Combine("cache")], cancellationToken: ct);
        Assert.True(pushed.ExitCode == 0, pushed.Error + target.Tail());
        Assert.Contains($"{target.Authority}/airgap/big:1.0@{image.ManifestDigest}", pushed.Out);
        using var reader = new RegistrySeeder(target.BaseUri);
        Assert.Equal(image.ManifestBytes, await reader.GetManifestAsync("airgap/big", "1.0", ct));
        foreach (var layer in image.Layers) Assert.True(await reader.HasBlobAsync("airgap/big", layer.Digest, ct));
    }
}
