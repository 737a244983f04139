using McrExport.Content;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>
/// The end-of-run summary counts downloaded, resumed and cached bytes separately: a rerun after a failed download
/// says how much the earlier run had already received, and counts as downloaded only what moved in this run.
/// </summary>
public sealed class SummaryTests
{
    [Fact]
    public async Task A_rerun_after_a_dropped_download_counts_the_resumed_bytes_apart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var layer = Layer.Random(1 << 20, 7201);
        var image = TestImages.Image(new McrExport.Model.Platform("linux", "amd64"), [layer]);
        registry.Push("resume/image", "1", image);
        const long dropAt = 256 * 1024;
        registry.Faults.Enqueue(layer.Digest, Fault.DropAfter(dropAt));
        using var temp = new TempFolder();
        string[] args = [registry.Reference("resume/image", "1"), "-o", temp.Combine("r.tar"), "--cache-dir", temp.Combine("cache")];

        var first = await BuiltTool.RunAsync([.. args, "--retries", "0"], ct);
        Assert.True(first.ExitCode == 5, first.Describe());
        var partial = new FileInfo(new BlobStore(temp.Combine("cache")).PartialPathOf(layer.Digest));
        Assert.True(partial.Exists, first.Describe());
        var kept = partial.Length;
        Assert.True(kept > 0 && kept <= dropAt, $"kept {kept}");

        var second = await BuiltTool.RunAsync([.. args, "--json"], ct);
        Assert.True(second.ExitCode == 0, second.Describe());
        var summary = SchemaCheck.Validate("export", second.Out);
        Assert.Equal(kept, summary.GetProperty("bytesResumed").GetInt64());
        Assert.Equal(layer.Size - kept, summary.GetProperty("bytesDownloaded").GetInt64());
        Assert.Equal(1, summary.GetProperty("blobsResumed").GetInt32());
        Assert.Equal(0, summary.GetProperty("bytesFromCache").GetInt64());

        var third = await BuiltTool.RunAsync(args, ct);
        Assert.True(third.ExitCode == 0, third.Describe());
        Assert.Contains($"fetched   0 B downloaded, 0 B resumed, {DiskErrors.FormatSize(layer.Size)} from cache", third.Error);
    }
}
