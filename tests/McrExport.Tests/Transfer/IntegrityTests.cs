using McrExport.Errors;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>A blob whose bytes do not match its digest never reaches the cache or the output.</summary>
public sealed class IntegrityTests
{
    private static readonly Layer Layer1MiB = Layer.Random(1 << 20, 7001);

    [Fact]
    public async Task Corrupt_blob_is_discarded_and_fetched_once_more()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = Layer1MiB;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.Corrupt());

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var gets = bench.BlobGets(layer.Digest);
        Assert.Equal(2, gets.Count);
        Assert.All(gets, r => Assert.Null(r.Range));
        Assert.Equal(2 * layer.Size, bench.Registry.BytesServed(layer.Digest));
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
        Assert.Equal(layer.Bytes, await File.ReadAllBytesAsync(bench.CachedBlobPath(layer.Digest), ct));
        bench.AssertNoPartials();
    }

    [Fact]
    public async Task Corrupt_twice_fails_naming_the_blob_and_its_source_and_leaves_nothing_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = Layer1MiB;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.Corrupt(), times: 2);

        var result = await bench.ExportAsync(ct);

        Assert.Equal(ExitCodes.Integrity, result.ExitCode);
        Assert.Equal(2, bench.BlobGets(layer.Digest).Count);
        Assert.Contains(layer.Digest.ToString(), result.Error);
        Assert.Contains(bench.Registry.Authority, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(File.Exists(bench.Output));
        Assert.False(File.Exists(bench.CachedBlobPath(layer.Digest)));
        Assert.DoesNotContain(Directory.GetFiles(bench.Temp.Path), f => Path.GetFileName(f).StartsWith("out", StringComparison.Ordinal));
        bench.AssertNoPartials();
    }

    [Fact]
    public async Task Wrong_length_is_treated_like_a_wrong_digest()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = Layer1MiB;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.WrongLength(+100));

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(2, bench.BlobGets(layer.Digest).Count);
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
    }
}
