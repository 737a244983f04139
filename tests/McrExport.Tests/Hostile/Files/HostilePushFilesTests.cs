using McrExport.Errors;
using McrExport.Model;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Hostile.Files;

/// <summary>
/// Push from an archive that lies or changes under it, into a push target on 127.0.0.1 that records every byte it
/// receives: a layer swapped for a symlink to a private file while the push runs, a layer longer than its descriptor
/// or with a flipped byte, and a layer changed after the pre-check. The private bytes are never sent, a wrong archive
/// fails with exit 6 before the first request, and a blob whose bytes did not hash right never gets its final PUT.
/// </summary>
public sealed class HostilePushFilesTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("monolithic")]
    [InlineData("chunked")]
    public async Task A_layer_swapped_for_a_symlink_to_a_private_file_while_push_runs_is_not_followed(string mode)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var layer = Layer.Random(8192, 41);
        var layout = CraftedLayout.Write(temp.Combine("swap"), [layer]);
        var secret = temp.Combine("private.key");
        var marker = System.Text.Encoding.ASCII.GetBytes("PRIVATE-KEY-MATERIAL-0123456789");
        File.WriteAllBytes(secret, [.. Enumerable.Range(0, 8192 / marker.Length + 1).SelectMany(_ => marker).Take(layer.Bytes.Length)]);
        await using var target = await PushRecorder.StartAsync(ct);
        var swapped = false;
        target.Gate = () =>
        {
            var blob = layout.BlobPath(layer.Digest);
            File.Delete(blob);
            File.CreateSymbolicLink(blob, secret);
            swapped = true;
            return Task.CompletedTask;
        };

        var result = await ToolProcess.RunAsync(
            ["push", layout.Root, $"{target.Authority}/hostile/swap:1", "--cache-dir", temp.Combine("cache"), .. mode == "chunked" ? new[] { "--chunk-size", "1024" } : []],
            TimeSpan.FromSeconds(60), ct);

        Assert.True(swapped, "the push made no request");
        ToolProcess.AssertBounded(result, ExitCodes.Integrity, Within);
        Assert.Contains("symbolic link", result.Error);
        Assert.False(target.ReceivedBytes(marker), "bytes of the private file were sent");
        Assert.DoesNotContain(target.CompletedUploads, u => u.Contains(layer.Digest.Encoded, StringComparison.Ordinal));
        Assert.DoesNotContain(target.Received, r => r.PathAndQuery.Contains("/manifests/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("longer")]
    [InlineData("flipped")]
    [InlineData("shorter")]
    public async Task A_layer_file_that_is_not_what_its_descriptor_says_fails_with_exit_6_and_nothing_sent(string damage)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var layer = Layer.Random(8192, 42);
        var layout = CraftedLayout.Write(temp.Combine("mismatch"), [layer]);
        Damage(layout.BlobPath(layer.Digest), damage);
        await using var target = await PushRecorder.StartAsync(ct);

        var folder = await ToolProcess.RunAsync(["push", layout.Root, $"{target.Authority}/hostile/mismatch:1", "--cache-dir", temp.Combine("cache")],
            TimeSpan.FromSeconds(60), ct);
        var tar = layout.WriteTar(temp.Combine("mismatch.tar"));
        var fromTar = await ToolProcess.RunAsync(["push", tar, $"{target.Authority}/hostile/mismatch:1", "--cache-dir", temp.Combine("cache")],
            TimeSpan.FromSeconds(60), ct);

        ToolProcess.AssertBounded(folder, ExitCodes.Integrity, Within);
        Assert.Contains(layer.Digest.Encoded, folder.Error);
        ToolProcess.AssertBounded(fromTar, ExitCodes.Integrity, Within);
        Assert.Contains("nothing was sent", fromTar.Error);
        Assert.Equal(0, target.Host.RequestsStarted);
        Assert.Equal(0, target.BytesReceived);
    }

    [Theory]
    [InlineData("monolithic")]
    [InlineData("chunked")]
    public async Task A_layer_changed_after_the_check_never_gets_its_final_put(string mode)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var layer = Layer.Random(8192, 43);
        var layout = CraftedLayout.Write(temp.Combine("late"), [layer]);
        await using var target = await PushRecorder.StartAsync(ct);
        target.Gate = () =>
        {
            // Same size, same inode, one byte different: only hashing what is sent can tell.
            using var file = new FileStream(layout.BlobPath(layer.Digest), FileMode.Open, FileAccess.ReadWrite);
            file.Position = 5000;
            var b = file.ReadByte();
            file.Position = 5000;
            file.WriteByte((byte)(b ^ 0xff));
            return Task.CompletedTask;
        };

        var result = await ToolProcess.RunAsync(
            ["push", layout.Root, $"{target.Authority}/hostile/late:1", "--cache-dir", temp.Combine("cache"), .. mode == "chunked" ? new[] { "--chunk-size", "1024" } : []],
            TimeSpan.FromSeconds(60), ct);

        ToolProcess.AssertBounded(result, ExitCodes.Integrity, Within);
        Assert.Contains(layer.Digest.Encoded, result.Error);
        Assert.DoesNotContain(target.CompletedUploads, u => u.Contains(layer.Digest.Encoded, StringComparison.Ordinal));
        Assert.DoesNotContain(target.Received, r => r.PathAndQuery.Contains("/manifests/", StringComparison.Ordinal));
        if (mode == "monolithic") Assert.DoesNotContain(target.Received, r => r.Body.Length == layer.Bytes.Length);
    }

    /// <summary>copy from an archive into a registry is checked the same way before its first request.</summary>
    [Theory]
    [InlineData("oci")]
    [InlineData("oci-archive")]
    public async Task A_copy_from_a_damaged_archive_fails_with_exit_6_and_nothing_sent(string transport)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var layer = Layer.Random(8192, 45);
        var layout = CraftedLayout.Write(temp.Combine("copy"), [layer]);
        Damage(layout.BlobPath(layer.Digest), "flipped");
        var source = transport == "oci" ? $"oci:{layout.Root}" : $"oci-archive:{layout.WriteTar(temp.Combine("copy.tar"))}";
        await using var target = await PushRecorder.StartAsync(ct);

        var result = await ToolProcess.RunAsync(["copy", source, $"docker://{target.Authority}/hostile/copy:1", "--cache-dir", temp.Combine("cache")],
            TimeSpan.FromSeconds(60), ct);

        ToolProcess.AssertBounded(result, ExitCodes.Integrity, Within);
        Assert.Contains(layer.Digest.Encoded, result.Error);
        Assert.Contains("nothing was sent", result.Error);
        Assert.Equal(0, target.Host.RequestsStarted);
        Assert.Equal(0, target.BytesReceived);
    }

    [Fact]
    public async Task A_good_layout_is_pushed_whole_to_the_recorder()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var layer = Layer.Random(8192, 44);
        var layout = CraftedLayout.Write(temp.Combine("good"), [layer]);
        await using var target = await PushRecorder.StartAsync(ct);

        var result = await ToolProcess.RunAsync(["push", layout.Root, $"{target.Authority}/hostile/good:1", "--cache-dir", temp.Combine("cache"), "--chunk-size", "1024"],
            TimeSpan.FromSeconds(60), ct);

        ToolProcess.AssertBounded(result, ExitCodes.Ok, Within);
        Assert.Contains(target.CompletedUploads, u => u.Contains(layer.Digest.Encoded, StringComparison.Ordinal));
        var sent = target.Received.Where(r => r.Method == "PATCH").SelectMany(r => r.Body).ToArray();
        Assert.Equal(layer.Digest, Digest.Compute(sent));
    }

    private static void Damage(string path, string how)
    {
        var bytes = File.ReadAllBytes(path);
        switch (how)
        {
            case "longer": File.WriteAllBytes(path, [.. bytes, .. new byte[100]]); break;
            case "shorter": File.WriteAllBytes(path, bytes[..^100]); break;
            default: bytes[bytes.Length / 2] ^= 0x01; File.WriteAllBytes(path, bytes); break;
        }
    }
}
