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
    public async Task A_push_that_continues_a_saved_upload_says_where_on_its_bar()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        var big = Layer.Random(400_000, seed: 17);
        var image = AirGap.ArchiveFixtures.Variant("livepart", big);
        source.Push("team/livepart", "1.0", image);
        await using var registry = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();
        var tar = temp.Combine("part.tar");
        await AirGap.ArchiveFixtures.ExportAsync(temp, tar, [source.Reference("team/livepart", "1.0")], ct);
        // an earlier run's upload that stopped after its first 64 KiB chunk, as the registry and the state file know it
        const int sent = 65536;
        using var http = new HttpClient();
        using var started = await http.PostAsync(new Uri(registry.BaseUri, "v2/team/livepart/blobs/uploads/"), null, ct);
        var patch = new HttpRequestMessage(HttpMethod.Patch, new Uri(registry.BaseUri, started.Headers.Location!)) { Content = new ByteArrayContent(big.Bytes, 0, sent) };
        patch.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        patch.Content.Headers.TryAddWithoutValidation("Content-Range", $"0-{sent - 1}");
        using var patched = await http.SendAsync(patch, ct);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, patched.StatusCode);
        var cache = temp.Combine("cache");
        Assert.True(await McrExport.Push.UploadStateStore.InCache(cache).SaveAsync(new McrExport.Push.UploadState(registry.Authority, "team/livepart", big.Digest,
            new Uri(registry.BaseUri, patched.Headers.Location!), sent), ct));

        await using var terminal = await TmuxTerminal.StartAsync(["push", tar, $"{registry.Authority}/team/livepart:1.0", "--chunk-size", "32768",
            "--cache-dir", cache], ct);
        var screen = await terminal.WaitForAsync(s => s.Contains("EXIT=", StringComparison.Ordinal), Limit, ct);

        Assert.True(screen.Contains("EXIT=0", StringComparison.Ordinal), screen);
        Assert.Contains($"resuming the saved upload of {big.Digest.Short} to team/livepart at 64.0 KiB", screen);
        Assert.True(screen.Split('\n').Any(l => l.Contains($"{big.Digest.Short} → team/livepart", StringComparison.Ordinal)
            && l.Contains("resumed at 64.0 KiB", StringComparison.Ordinal) && l.Contains('━')), screen);
        Assert.Contains($"{registry.Authority}/team/livepart:1.0@{image.ManifestDigest}", screen);
        Assert.DoesNotContain(" bytes", screen);
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
