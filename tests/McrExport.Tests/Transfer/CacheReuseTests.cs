using System.Text.Json;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>What the cache already holds is not downloaded again.</summary>
public sealed class CacheReuseTests
{
    [Fact]
    public async Task Warm_cache_downloads_no_blob()
    {
        var ct = TestContext.Current.CancellationToken;
        Layer[] layers = [Layer.Random(1 << 20, 8001), Layer.Random(512 * 1024, 8002)];
        await using var bench = await ExportBench.StartAsync(ct, layers);

        var cold = await bench.ExportAsync(ct, "--json");
        Assert.True(cold.ExitCode == 0, cold.Error);
        var servedCold = layers.Select(l => bench.Registry.BytesServed(l.Digest)).ToList();
        File.Delete(bench.Output);

        var warm = await bench.ExportAsync(ct, "--json");

        Assert.True(warm.ExitCode == 0, warm.Error);
        Assert.Equal(servedCold, layers.Select(l => bench.Registry.BytesServed(l.Digest)));
        Assert.All(layers, l => Assert.Single(bench.BlobGets(l.Digest)));
        using var summary = JsonDocument.Parse(warm.Out);
        var root = summary.RootElement;
        Assert.Equal(0, root.GetProperty("bytesDownloaded").GetInt64());
        Assert.Equal(0, root.GetProperty("blobsDownloaded").GetInt32());
        Assert.Equal(layers.Length, root.GetProperty("blobsFromCache").GetInt32());
        Assert.Equal(layers.Sum(l => l.Size), root.GetProperty("bytesFromCache").GetInt64());
        Assert.All(layers, l => Assert.Equal(l.Bytes, bench.ExportedBlob(l.Digest)));

        File.Delete(bench.Output);
        var text = await bench.ExportAsync(ct);
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("0 B downloaded", text.Error);
        Assert.Contains("from cache", text.Error);
        Assert.Equal(2, text.Error.Split('\n').Count(line => line.StartsWith("cached ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Image_sharing_a_cached_base_layer_downloads_only_its_new_layers()
    {
        var ct = TestContext.Current.CancellationToken;
        var shared = Layer.Random(2 << 20, 8101);
        var onlyA = Layer.Random(256 * 1024, 8102);
        var onlyB = Layer.Random(384 * 1024, 8103);
        await using var bench = await ExportBench.StartAsync(ct, shared, onlyA);
        var imageB = TestImages.Image(new Platform("linux", "amd64"), [shared, onlyB]);
        bench.Registry.Push("test/other", "latest", imageB);

        var first = await bench.ExportAsync(ct);
        Assert.True(first.ExitCode == 0, first.Error);
        var output = bench.Temp.Combine("other.tar");
        var second = await CliRunner.RunAsync(
            [bench.Registry.Reference("test/other", "latest"), "-o", output, "--cache-dir", bench.Cache, "--json"], cancellationToken: ct);

        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(shared.Size, bench.Registry.BytesServed(shared.Digest));
        Assert.Equal(onlyB.Size, bench.Registry.BytesServed(onlyB.Digest));
        Assert.DoesNotContain(bench.Registry.Requests, r => r.Path == $"/v2/test/other/blobs/{shared.Digest}");
        using var summary = JsonDocument.Parse(second.Out);
        Assert.Equal(onlyB.Size, summary.RootElement.GetProperty("bytesDownloaded").GetInt64());
        Assert.Equal(shared.Size, summary.RootElement.GetProperty("bytesFromCache").GetInt64());
        Assert.Equal(shared.Bytes, TarContents.Read(output).ToFiles()[$"blobs/sha256/{shared.Digest.Encoded}"]);
    }
}
