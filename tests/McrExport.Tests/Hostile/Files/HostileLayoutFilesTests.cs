using System.Diagnostics;
using System.Text;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Hostile.Files;

/// <summary>
/// OCI layout folders and docker-load tars crafted to exhaust a reader: references multiplied, FIFOs and devices
/// where files belong, an <c>oci-layout</c> of another version, a decompression bomb, and one config named by
/// thousands of entries. Each is answered in bounded time and memory with the exit code that says what it is.
/// </summary>
public sealed class HostileLayoutFilesTests
{
    private static readonly Layer Small = Layer.FromFiles(("hostile/files.txt", "hostile files\n"));

    [Theory]
    [InlineData(1_000, 1_000, 300)]
    [InlineData(20_000, 20_000, 700)]
    public async Task An_index_naming_one_manifest_of_many_layers_many_times_is_verified_in_flat_memory(int entries, int layers, int maxMiB)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var layout = CraftedLayout.Write(temp.Combine("fanout"), Enumerable.Repeat(Small, layers).ToList(), entries, named: entries < 10_000);

        var result = await ToolProcess.RunAsync(["verify", layout.Root], TimeSpan.FromMinutes(2), ct);

        ToolProcess.AssertBounded(result, ExitCodes.Ok, TimeSpan.FromSeconds(60), (long)maxMiB << 20);
        Assert.Contains("ok: 1 image(s)", result.Out);
    }

    [Theory]
    [InlineData("index.json", "fifo")]
    [InlineData("layer", "fifo")]
    [InlineData("index.json", "device")]
    [InlineData("layer", "device")]
    public async Task A_fifo_or_device_where_a_file_belongs_is_never_opened_by_verify_or_push(string where, string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var layout = CraftedLayout.Write(temp.Combine("special"), [Small]);
        var path = where == "index.json" ? layout.Combine("index.json") : layout.BlobPath(Small.Digest);
        File.Delete(path);
        if (kind == "fifo") Run("mkfifo", path);
        else Run("mknod", path, "c", "1", "5"); // /dev/zero: endless bytes if it were read as a file
        await using var target = await PushRecorder.StartAsync(ct);

        var verify = await ToolProcess.RunAsync(["verify", layout.Root], TimeSpan.FromSeconds(60), ct);
        var push = await ToolProcess.RunAsync(["push", layout.Root, $"{target.Authority}/hostile/special:1", "--cache-dir", temp.Combine("cache")],
            TimeSpan.FromSeconds(60), ct);

        ToolProcess.AssertBounded(verify, ExitCodes.Integrity, TimeSpan.FromSeconds(20), 300L << 20);
        Assert.Contains(kind == "fifo" ? "is a FIFO, not a regular file" : "is a character device, not a regular file", verify.Error);
        ToolProcess.AssertBounded(push, ExitCodes.Integrity, TimeSpan.FromSeconds(20), 300L << 20);
        Assert.Equal(0, target.Host.RequestsStarted);
    }

    [Theory]
    [InlineData("""{"imageLayoutVersion":"2.0.0"}""", "is not supported")]
    [InlineData("{}", "has no imageLayoutVersion")]
    [InlineData("not json", "is not JSON")]
    public async Task An_oci_layout_file_of_another_version_or_not_json_fails_verify_and_push(string content, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var layout = CraftedLayout.Write(temp.Combine("version"), [Small]);
        File.WriteAllText(layout.Combine("oci-layout"), content);
        await using var target = await PushRecorder.StartAsync(ct);

        var verify = await ToolProcess.RunAsync(["verify", layout.Root], TimeSpan.FromSeconds(60), ct);
        var push = await ToolProcess.RunAsync(["push", layout.Root, $"{target.Authority}/hostile/version:1", "--cache-dir", temp.Combine("cache")],
            TimeSpan.FromSeconds(60), ct);

        ToolProcess.AssertBounded(verify, ExitCodes.Integrity, TimeSpan.FromSeconds(20));
        Assert.Contains(message, verify.Error);
        ToolProcess.AssertBounded(push, ExitCodes.Integrity, TimeSpan.FromSeconds(20));
        Assert.Contains(message, push.Error);
        Assert.Equal(0, target.Host.RequestsStarted);
    }

    [Fact]
    public void Layout_versions_1_x_are_accepted_and_others_refused()
    {
        Assert.True(McrExport.Archive.LayoutVersion.IsSupported("1.0.0"));
        Assert.True(McrExport.Archive.LayoutVersion.IsSupported("1.1.0"));
        Assert.False(McrExport.Archive.LayoutVersion.IsSupported("2.0.0"));
        Assert.False(McrExport.Archive.LayoutVersion.IsSupported("1.0"));
        Assert.False(McrExport.Archive.LayoutVersion.IsSupported(""));
    }

    [Fact]
    public async Task A_32_MiB_zstd_layer_that_expands_to_1_TiB_stops_at_the_limit_naming_the_layer_and_the_option()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var bomb = ZstdBomb(1L << 40);
        Assert.InRange(bomb.Length, 30 << 20, 34 << 20);
        var layer = new Layer(bomb, Digest.Compute(bomb), Digest.Compute("not the real diff_id"u8.ToArray()), MediaTypes.OciLayerZstd);
        var layout = CraftedLayout.Write(temp.Combine("bomb"), [layer]);

        var result = await ToolProcess.RunAsync(["verify", layout.Root, "--max-uncompressed-size", "2G"], TimeSpan.FromMinutes(2), ct);

        ToolProcess.AssertBounded(result, ExitCodes.Integrity, TimeSpan.FromSeconds(45), 400L << 20);
        Assert.Contains(layer.Digest.Encoded, result.Error);
        Assert.Contains("layer 0", result.Error);
        Assert.Contains("--max-uncompressed-size", result.Error);
    }

    [Fact]
    public async Task A_bad_expansion_limit_is_a_usage_error()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var layout = CraftedLayout.Write(temp.Combine("limit"), [Small]);

        var result = await Support.CliRunner.RunAsync(["verify", layout.Root, "--max-uncompressed-size", "lots"], cancellationToken: ct);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--max-uncompressed-size", result.Error);
    }

    [Fact]
    public async Task A_manifest_json_of_2000_entries_sharing_one_large_config_reads_the_config_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var config = Encoding.UTF8.GetBytes(
            $$"""{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["{{Small.DiffId}}"]},"comment":"{{new string('x', 3_700_000)}}"}""");
        var configDigest = Digest.Compute(config);
        var items = string.Join(",", Enumerable.Range(0, 2000).Select(i =>
            $$"""{"Config":"blobs/sha256/{{configDigest.Encoded}}","RepoTags":["hostile/many:{{i}}"],"Layers":["blobs/sha256/{{Small.Digest.Encoded}}"]}"""));
        var tar = temp.Combine("many.tar");
        File.WriteAllBytes(tar, [
            .. CraftedTar.File($"blobs/sha256/{configDigest.Encoded}", config),
            .. CraftedTar.File($"blobs/sha256/{Small.Digest.Encoded}", Small.Bytes),
            .. CraftedTar.File("manifest.json", Encoding.UTF8.GetBytes($"[{items}]")),
            .. CraftedTar.End(),
        ]);

        var result = await ToolProcess.RunAsync(["verify", tar], TimeSpan.FromMinutes(2), ct);

        ToolProcess.AssertBounded(result, ExitCodes.Ok, TimeSpan.FromSeconds(15), 500L << 20);
    }

    /// <summary>A zstd frame of RLE blocks (4 bytes each for 128 KiB of zeros): <paramref name="expanded"/> bytes from about expanded/32768.</summary>
    internal static byte[] ZstdBomb(long expanded)
    {
        const int blockSize = 128 * 1024;
        var blocks = expanded / blockSize;
        var output = new MemoryStream();
        output.Write([0x28, 0xb5, 0x2f, 0xfd]); // magic
        output.WriteByte(0x00); // frame header descriptor: no content size, no checksum, window descriptor follows
        output.WriteByte(0x58); // window 2^(10+11) = 2 MiB (>= block size)
        for (long i = 0; i < blocks; i++)
        {
            var last = i == blocks - 1 ? 1 : 0;
            var header = last | (1 << 1) | (blockSize << 3); // RLE block of blockSize bytes
            output.WriteByte((byte)header);
            output.WriteByte((byte)(header >> 8));
            output.WriteByte((byte)(header >> 16));
            output.WriteByte(0); // the repeated byte
        }
        return output.ToArray();
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: {error}");
    }
}
