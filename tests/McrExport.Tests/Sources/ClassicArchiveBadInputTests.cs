using McrExport.Errors;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Sources;

/// <summary>
/// Bad classic archives fail <c>verify</c>, <c>push</c> and <c>copy</c> with a short message naming the file, the
/// integrity exit code and no stack trace; <c>push</c> stops before the network (its registry does not exist) and
/// <c>copy</c> leaves nothing at the output path.
/// </summary>
public sealed class ClassicArchiveBadInputTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A port nothing listens on: reaching the network would fail with the network exit code instead.</summary>
    private const string NoRegistry = "127.0.0.1:9";

    [Fact]
    public async Task The_well_formed_archive_verifies()
    {
        using var temp = new TempFolder();
        var tar = new ClassicArchive().Write(temp.Combine("good.tar"));
        var result = await CliRunner.RunAsync(["verify", tar], cancellationToken: Token);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"{ClassicArchive.RepoTag}  linux/amd64", result.Out);
    }

    [Fact]
    public async Task No_manifest_json_is_not_an_image_archive()
    {
        using var temp = new TempFolder();
        var archive = new ClassicArchive();
        archive.Files.Remove("manifest.json");
        var tar = archive.Write(temp.Combine("no-manifest.tar"));

        var message = await FailsEverywhereAsync(tar, temp);
        Assert.Contains($"{tar}: has neither index.json nor manifest.json; it is not an image archive", message);
    }

    [Fact]
    public async Task A_manifest_json_that_is_null_is_named_without_a_knock_on_repositories_error()
    {
        using var temp = new TempFolder();
        var archive = new ClassicArchive();
        archive.Files["manifest.json"] = "null"u8.ToArray();
        var tar = archive.Write(temp.Combine("null.tar"));

        var message = await FailsEverywhereAsync(tar, temp);
        Assert.Contains($"{tar}:manifest.json: it is null, not a list of images", message);
        var verify = await CliRunner.RunAsync(["verify", tar], cancellationToken: Token);
        Assert.DoesNotContain("repositories", verify.Error);
        Assert.Contains("1 problem(s)", verify.Error);
    }

    [Fact]
    public async Task A_plain_tar_of_files_is_not_an_image_archive()
    {
        using var temp = new TempFolder();
        var tar = temp.Combine("plain.tar");
        var plain = new ClassicArchive();
        plain.Files.Clear();
        plain.Files["readme.txt"] = "just files\n"u8.ToArray();
        plain.Files["src/main.c"] = "int main() { return 0; }\n"u8.ToArray();
        plain.Write(tar);

        var message = await FailsEverywhereAsync(tar, temp);
        Assert.Contains("it is not an image archive", message);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("text")]
    public async Task A_placeholder_layer_tar_fails_against_its_diff_id(string kind)
    {
        using var temp = new TempFolder();
        var archive = new ClassicArchive();
        archive.Files[ClassicArchive.LayerPath] = kind == "empty" ? [] : "placeholder, the layer was not saved\n"u8.ToArray();
        var tar = archive.Write(temp.Combine("placeholder.tar"));

        var message = await FailsEverywhereAsync(tar, temp);
        Assert.Contains($"{tar}:{ClassicArchive.LayerPath}", message);
        Assert.Contains(archive.DiffId, message);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_layer_tar_fails_and_is_never_pushed_or_copied()
    {
        using var temp = new TempFolder();
        var archive = new ClassicArchive();
        var flipped = archive.Layer.ToArray();
        flipped[600] ^= 0x01;
        archive.Files[ClassicArchive.LayerPath] = flipped;
        var tar = archive.Write(temp.Combine("flipped.tar"));

        var message = await FailsEverywhereAsync(tar, temp);
        Assert.Contains($"{tar}:{ClassicArchive.LayerPath}", message);
        Assert.Contains(archive.DiffId, message);
    }

    [Fact]
    public async Task A_truncated_layer_tar_fails_against_its_diff_id()
    {
        using var temp = new TempFolder();
        var archive = new ClassicArchive();
        archive.Files[ClassicArchive.LayerPath] = archive.Layer[..700];
        var tar = archive.Write(temp.Combine("short-layer.tar"));

        var message = await FailsEverywhereAsync(tar, temp);
        Assert.Contains($"{tar}:{ClassicArchive.LayerPath}", message);
    }

    [Fact]
    public async Task A_truncated_archive_fails_as_truncated()
    {
        using var temp = new TempFolder();
        var tar = new ClassicArchive().Write(temp.Combine("cut.tar"));
        await using (var file = new FileStream(tar, FileMode.Open, FileAccess.ReadWrite)) file.SetLength(2000);

        var message = await FailsEverywhereAsync(tar, temp);
        Assert.Contains("truncated", message);
    }

    [Fact]
    public async Task A_crane_layer_that_does_not_decompress_to_its_diff_id_is_neither_pushed_nor_copied()
    {
        using var temp = new TempFolder();
        var classic = new ClassicArchive();
        var other = ClassicArchive.LayerTar(("other.txt", "not the layer the config names\n"u8.ToArray()));
        using var gzipped = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(other);
        var blob = gzipped.ToArray();
        var hex = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(blob));
        var crane = new ClassicArchive();
        crane.Files.Clear();
        crane.Files[$"sha256:{classic.ConfigHex}"] = classic.Config;
        crane.Files[$"{hex}.tar.gz"] = blob;
        crane.Files["manifest.json"] = System.Text.Encoding.UTF8.GetBytes(
            $"[{{\"Config\":\"sha256:{classic.ConfigHex}\",\"RepoTags\":[\"{ClassicArchive.RepoTag}\"],\"Layers\":[\"{hex}.tar.gz\"]}}]");
        var tar = crane.Write(temp.Combine("crane.tar"));

        var verify = await CliRunner.RunAsync(["verify", tar], cancellationToken: Token);
        Assert.Equal(ExitCodes.Integrity, verify.ExitCode);
        Assert.Contains(classic.DiffId, verify.Error);
        var push = await CliRunner.RunAsync(["push", tar, $"{NoRegistry}/bad/img:v1", "--insecure-registry", NoRegistry,
            "--cache-dir", temp.Combine("cache")], cancellationToken: Token);
        Assert.True(push.ExitCode == ExitCodes.Integrity, push.Error);
        Assert.Contains($"but the config's diff_id is {classic.DiffId}; nothing was written or sent", push.Error);
        var output = temp.Combine("crane-layout");
        var copy = await CliRunner.RunAsync(["copy", tar, $"oci:{output}", "--cache-dir", temp.Combine("cache")], cancellationToken: Token);
        Assert.True(copy.ExitCode == ExitCodes.Integrity, copy.Error);
        Assert.False(Directory.Exists(output));
    }

    /// <summary>
    /// verify, push (gzip, the default) and copy to an OCI layout each exit with the integrity code and a message
    /// without a stack trace; returns verify's message.
    /// </summary>
    private static async Task<string> FailsEverywhereAsync(string tar, TempFolder temp)
    {
        var verify = await CliRunner.RunAsync(["verify", tar], cancellationToken: Token);
        var push = await CliRunner.RunAsync(["push", tar, $"{NoRegistry}/bad/img:v1", "--insecure-registry", NoRegistry,
            "--cache-dir", temp.Combine("cache")], cancellationToken: Token);
        var output = temp.Combine($"copy-{Guid.NewGuid():N}");
        var copy = await CliRunner.RunAsync(["copy", $"docker-archive:{tar}", $"oci:{output}", "--cache-dir", temp.Combine("cache")],
            cancellationToken: Token);
        foreach (var (name, result) in new[] { ("verify", verify), ("push", push), ("copy", copy) })
        {
            Assert.True(result.ExitCode == ExitCodes.Integrity, $"{name} exited with {result.ExitCode}: {result.Error}");
            Assert.StartsWith("error: ", result.Error);
            Assert.DoesNotContain("   at ", result.Error);
            Assert.DoesNotContain("Exception", result.Error);
        }
        Assert.False(Directory.Exists(output) || File.Exists(output), "copy left something at its output path");
        return verify.Error;
    }
}
