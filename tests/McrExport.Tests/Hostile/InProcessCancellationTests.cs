using System.Diagnostics;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>Cancelling the command's token while a download is stalled: it returns 130 at once and keeps the partial bytes.</summary>
public sealed class InProcessCancellationTests
{
    [Fact]
    public async Task Cancelling_during_a_stalled_download_returns_130_quickly_and_keeps_the_partial_bytes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        using var temp = new TempFolder();
        var layer = Layer.Random(1 << 20, 9);
        registry.Push("slow/image", "1", TestImages.Image(new McrExport.Model.Platform("linux", "amd64"), [layer]));
        registry.Faults.Enqueue(layer.Digest, Fault.Stall(64 * 1024, TimeSpan.FromMinutes(2)));
        var cache = new BlobStore(temp.Combine("cache"));
        var output = Directory.CreateDirectory(temp.Combine("out")).FullName;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var run = CliRunner.RunAsync([
            registry.Reference("slow/image", "1"), "-o", Path.Combine(output, "slow.tar"), "--cache-dir", cache.Root, "--stall-timeout", "600",
        ], cancellationToken: cancel.Token);
        var partial = cache.PartialPathOf(layer.Digest);
        var clock = Stopwatch.StartNew();
        while (!File.Exists(partial) && clock.Elapsed < TimeSpan.FromSeconds(60) && !run.IsCompleted) await Task.Delay(50, ct);
        await Task.Delay(500, ct);
        clock.Restart();
        await cancel.CancelAsync();
        var result = await run;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"stopping took {clock.Elapsed}");
        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(output));
        Assert.Equal(64 * 1024, new FileInfo(partial).Length);
    }
}
