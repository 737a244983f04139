using McrExport.Content;
using McrExport.Errors;
using McrExport.Output;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>
/// Running out of space while writing the output: exit 7, a message saying so and how much was needed, no partial
/// output, and the cache (on another disk) keeps every verified blob. The output goes to an 8 MiB tmpfs mounted by
/// the test; where mounting is not allowed the same assertions run on an injected ENOSPC write failure instead.
/// </summary>
public sealed class DiskFullTests
{
    private const int LayerBytes = 12 << 20;

    [Fact]
    public async Task A_full_output_disk_is_exit_7_with_the_space_needed_and_leaves_nothing_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        using var disk = SmallDisk.TryMount(temp.Path, 8, out var reason);
        if (disk is null)
        {
            await InjectedWriteFailureAsync(temp, reason, ct);
            return;
        }
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var layer = Layer.Random(LayerBytes, 42);
        var image = TestImages.Image(new McrExport.Model.Platform("linux", "amd64"), [layer]);
        registry.Push("big/image", "1", image);
        var cache = new BlobStore(temp.Combine("cache"));

        var result = await CliRunner.RunAsync([
            registry.Reference("big/image", "1"), "-o", Path.Combine(disk.Path, "big.tar"), "--cache-dir", cache.Root,
        ], cancellationToken: ct);

        Assert.Equal(ExitCodes.Disk, result.ExitCode);
        Assert.Contains("warning: the output need about", result.Error);
        var error = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains("no space left", error);
        Assert.Matches(@"\(\d+(\.\d)? (B|KiB|MiB) more were needed\)", error);
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
        Assert.True(cache.Contains(layer.Digest, layer.Size), "the verified layer stays in the cache");
        Assert.True(cache.Contains(image.ConfigDigest, image.ConfigBytes.Length), "the config stays in the cache");
    }

    private static async Task InjectedWriteFailureAsync(TempFolder temp, string reason, CancellationToken ct)
    {
        Assert.False(string.IsNullOrEmpty(reason));
        var target = temp.Combine("out.tar");

        var e = await Assert.ThrowsAsync<DiskException>(() => AtomicOutput.WriteFileAsync(target, async (stream, token) =>
        {
            await stream.WriteAsync(new byte[4096], token);
            await stream.FlushAsync(token);
            throw new IOException("No space left on device", 28);
        }, LayerBytes, ct));

        Assert.Equal(ExitCodes.Disk, e.ExitCode);
        Assert.Contains("no space left", e.Message);
        Assert.Contains($"{DiskErrors.FormatSize(LayerBytes - 4096)} more were needed", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path, "*.partial"));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Free_space_is_known_for_a_folder_that_does_not_exist_yet()
    {
        using var temp = new TempFolder();

        Assert.True(McrExport.Planning.FreeSpace.Available(temp.Path) > 0);
        Assert.True(McrExport.Planning.FreeSpace.Available(temp.Combine("not", "yet", "made")) > 0);
    }
}
