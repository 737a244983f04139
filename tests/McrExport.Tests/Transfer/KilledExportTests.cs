using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>An export killed half-way keeps its partial download in the cache; the next run goes on from there.</summary>
public sealed class KilledExportTests
{
    [Fact]
    public async Task Killed_export_resumes_without_downloading_the_first_part_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.TwentyFour;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.Stall(layer.Size * 3 / 4, TimeSpan.FromMinutes(10)));
        var partial = bench.PartialPath(layer.Digest);

        using (var child = ChildProcess.Start([bench.Reference, "-o", bench.Output, "--cache-dir", bench.Cache, "--quiet"]))
        {
            var stderr = child.StandardError.ReadToEndAsync(ct);
            var stdout = child.StandardOutput.ReadToEndAsync(ct);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!child.HasExited && PartialLength(partial) <= layer.Size * 4 / 10 && DateTime.UtcNow < deadline)
                await Task.Delay(20, ct);
            for (long before = -1; !child.HasExited && PartialLength(partial) != before && DateTime.UtcNow < deadline;)
            {
                before = PartialLength(partial);
                await Task.Delay(300, ct);
            }
            Assert.False(child.HasExited, $"the tool exited early ({(child.HasExited ? child.ExitCode : 0)}): {(child.HasExited ? await stderr : "")}");
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(ct);
            await Task.WhenAll(stderr, stdout);
        }

        var keptAfterKill = PartialLength(partial);
        var firstRunBytes = bench.Registry.BytesServed(layer.Digest);
        Assert.True(keptAfterKill > layer.Size * 4 / 10, $"partial file holds {keptAfterKill} of {layer.Size}");
        Assert.False(File.Exists(bench.Output));

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var gets = bench.BlobGets(layer.Digest);
        Assert.Equal(2, gets.Count);
        var resumedAt = ExportBench.RangeStart(gets[1]);
        Assert.True(resumedAt >= keptAfterKill, $"resumed at {resumedAt}, {keptAfterKill} bytes were kept");
        var secondRunBytes = bench.Registry.BytesServed(layer.Digest) - firstRunBytes;
        ExportBench.Report($"killed: first run served {firstRunBytes}, kept {keptAfterKill}, second run served {secondRunBytes} of {layer.Size}; total {(double)(firstRunBytes + secondRunBytes) / layer.Size:0.000}x");
        Assert.Equal(layer.Size - resumedAt, secondRunBytes);
        Assert.True(secondRunBytes < layer.Size * 6 / 10);
        Assert.True(firstRunBytes + secondRunBytes < layer.Size * 1.1, $"served {firstRunBytes + secondRunBytes} in all");
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
        bench.AssertNoPartials();
    }

    private static long PartialLength(string path)
    {
        try { return new FileInfo(path).Exists ? new FileInfo(path).Length : 0; }
        catch (IOException) { return 0; }
    }
}
