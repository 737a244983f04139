using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>
/// Live progress as a person sees it: the built tool in a real terminal (tmux), its screen captured. A bar per blob
/// and a total, sizes written as everywhere else (KiB, never "bytes"), retries shown with their wait and count.
/// </summary>
public sealed class TerminalProgressTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_export_shows_a_bar_per_blob_the_total_and_a_retry_after_a_dropped_connection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        Layer[] layers = [Layer.Random(512 * 1024, 7101), Layer.Random(256 * 1024, 7102)];
        var image = TestImages.Image(new McrExport.Model.Platform("linux", "amd64"), layers);
        registry.Push("live/image", "1", image);
        registry.Faults.Enqueue(layers[0].Digest, Fault.DropAfter(64 * 1024));
        registry.Faults.Enqueue(layers[1].Digest, Fault.Stall(64 * 1024, TimeSpan.FromSeconds(2)));
        using var temp = new TempFolder();

        await using var terminal = await TmuxTerminal.StartAsync([registry.Reference("live/image", "1"), "-o", temp.Combine("live.tar"),
            "--cache-dir", temp.Combine("cache")], ct);
        var during = await terminal.WaitForAsync(s => s.Contains("retrying in", StringComparison.Ordinal) && s.Contains(layers[1].Digest.Short), Limit, ct);
        var screen = await terminal.WaitForAsync(s => s.Contains("EXIT=", StringComparison.Ordinal), Limit, ct);

        Assert.True(screen.Contains("EXIT=0", StringComparison.Ordinal), screen);
        var total = McrExport.Content.DiskErrors.FormatSize(layers.Sum(l => l.Size));
        Assert.Contains("resolved", screen);
        Assert.Matches(@"retrying in \d+\.\d s \(1/5\): " + layers[0].Digest.Short, screen);
        foreach (var layer in layers)
            Assert.True(screen.Split('\n').Any(l => l.Contains(layer.Digest.Short, StringComparison.Ordinal) && l.Contains('━') && l.Contains("KiB")), screen);
        Assert.True(screen.Split('\n').Any(l => l.Contains("total", StringComparison.Ordinal) && l.Contains($"{total}/{total}", StringComparison.Ordinal)), screen);
        Assert.DoesNotContain(" bytes", screen);
        Assert.Contains($"fetched   {total} downloaded, 0 B resumed, 0 B from cache", screen);
        Assert.Contains(layers[1].Digest.Short, during);
    }

    [Fact]
    public async Task A_refused_connection_shows_each_retry_and_no_empty_total()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort.On(System.Net.IPAddress.Loopback);
        using var temp = new TempFolder();

        await using var terminal = await TmuxTerminal.StartAsync([$"127.0.0.1:{port}/gone/image:1", "-o", temp.Combine("x.tar"),
            "--cache-dir", temp.Combine("cache"), "--retries", "2"], ct);
        var screen = await terminal.WaitForAsync(s => s.Contains("EXIT=", StringComparison.Ordinal), Limit, ct);

        Assert.Contains("EXIT=5", screen);
        Assert.Matches($@"retrying in \d+\.\d s \(1/2\): connection to 127\.0\.0\.1:{port} refused", screen);
        Assert.Matches($@"retrying in \d+\.\d s \(2/2\): connection to 127\.0\.0\.1:{port} refused", screen);
        Assert.DoesNotContain("total", screen);
        Assert.DoesNotContain("100%", screen);
    }
}
