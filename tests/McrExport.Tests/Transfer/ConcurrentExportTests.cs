using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>Several exports running at once share one cache safely.</summary>
public sealed class ConcurrentExportTests
{
    [Fact]
    public async Task Two_exports_at_once_into_one_cache_fetch_each_blob_once_and_agree()
    {
        var ct = TestContext.Current.CancellationToken;
        Layer[] layers = [Layer.Random(3 << 20, 9001), Layer.Random(2 << 20, 9002), Layer.Random(1 << 20, 9003)];
        await using var bench = await ExportBench.StartAsync(ct, layers);
        var first = bench.Temp.Combine("first.tar");
        var second = bench.Temp.Combine("second.tar");

        var results = await Task.WhenAll(
            CliRunner.RunAsync([bench.Reference, "-o", first, "--cache-dir", bench.Cache], cancellationToken: ct),
            CliRunner.RunAsync([bench.Reference, "-o", second, "--cache-dir", bench.Cache], cancellationToken: ct));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Error));
        var a = TarContents.Read(first).ToFiles();
        var b = TarContents.Read(second).ToFiles();
        foreach (var layer in layers)
        {
            var name = $"blobs/sha256/{layer.Digest.Encoded}";
            Assert.Equal(layer.Bytes, a[name]);
            Assert.Equal(layer.Bytes, b[name]);
            Assert.Equal(layer.Size, bench.Registry.BytesServed(layer.Digest));
            Assert.Single(bench.BlobGets(layer.Digest));
        }
        var cached = Directory.GetFiles(Path.Combine(bench.Cache, "blobs"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
        var expected = layers.Select(l => l.Digest.Encoded).Append(bench.Image.ConfigDigest.Encoded).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, cached);
        bench.AssertNoPartials();
    }
}
