using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>Runs alone, so the process's allocation counter measures only its export.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class MemoryCollection;

/// <summary>Blobs are streamed to disk and from disk to the output: memory does not grow with the layer size.</summary>
[Collection(typeof(MemoryCollection))]
public sealed class MemoryTests
{
    [Fact]
    public async Task Exporting_a_64_MiB_layer_allocates_far_less_than_the_layer()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = Layer.Random(64 << 20, 6401);
        await using var bench = await ExportBench.StartAsync(ct, layer);

        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await bench.ExportAsync(ct, "--quiet");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(result.ExitCode == 0, result.Error);
        ExportBench.Report($"64 MiB layer: {allocated / (1024 * 1024.0):0.0} MiB allocated");
        Assert.True(allocated < layer.Size / 3, $"allocated {allocated} bytes exporting a {layer.Size}-byte layer");
        Assert.Equal(layer.Size, new FileInfo(bench.CachedBlobPath(layer.Digest)).Length);
    }
}
