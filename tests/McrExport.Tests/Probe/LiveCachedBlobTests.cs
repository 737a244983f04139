using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using McrExport.Tests.Transfer;
using Xunit;

namespace McrExport.Tests.Probe;

/// <summary>On a terminal, a blob taken from the cache shows its own size in the bar, not "1 B/1 B".</summary>
public sealed class LiveCachedBlobTests
{
    private static readonly Layer[] Layers = [Layer.Random(512 * 1024, 6101)];

    [Fact]
    public async Task A_warm_export_on_a_terminal_shows_the_cached_blobs_size()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Layers);
        var first = await CliRunner.RunAsync([bench.Reference, "-o", bench.Output, "--cache-dir", bench.Cache], cancellationToken: ct);
        Assert.True(first.ExitCode == 0, first.Error);

        var warm = await CliRunner.RunAsync([bench.Reference, "-o", bench.Output, "--cache-dir", bench.Cache], terminal: true, cancellationToken: ct);

        Assert.True(warm.ExitCode == 0, warm.Error);
        Assert.Contains("cached", warm.Error);
        Assert.DoesNotContain("1 B/1 B", warm.Error);
        static string Sizes(long bytes) => McrExport.Content.DiskErrors.FormatSize(bytes);
        Assert.Contains($"{Sizes(Layers[0].Size)}/{Sizes(Layers[0].Size)}", warm.Error);
    }
}
