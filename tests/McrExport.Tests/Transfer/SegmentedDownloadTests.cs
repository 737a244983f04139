using System.Globalization;
using System.Text.RegularExpressions;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>A blob of 64 MiB or more comes over several connections, one bounded Range per piece.</summary>
public sealed partial class SegmentedDownloadTests
{
    private const long Piece = 8 << 20;

    [Fact]
    public async Task Big_blob_comes_in_disjoint_ranges_over_several_connections_and_is_served_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Eighty;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        // The first piece pauses for 2 s after 1 MiB: the others must arrive meanwhile, over other connections.
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.Stall(1 << 20, TimeSpan.FromSeconds(2)));

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var gets = bench.BlobGets(layer.Digest);
        Assert.All(gets, g => Assert.Equal(206, g.Status));
        var ranges = gets.Select(Bounded).OrderBy(r => r.Start).ToList();
        Assert.Equal(Pieces(layer), ranges.Count);
        long covered = 0;
        foreach (var (start, end) in ranges)
        {
            Assert.Equal(covered, start);
            covered = end + 1;
        }
        Assert.Equal(layer.Size, covered);
        var first = gets[0];
        var whileFirstPaused = gets.Count(g => g != first && g.Received < first.Received + TimeSpan.FromSeconds(1.5));
        Assert.True(whileFirstPaused >= 3, $"{whileFirstPaused} other ranges were asked for while the first was paused");
        var served = bench.Registry.BytesServed(layer.Digest);
        ExportBench.Report($"segmented: {gets.Count} ranges, {whileFirstPaused} during the pause, served {served} of {layer.Size} ({(double)served / layer.Size:0.000}x)");
        Assert.Equal(layer.Size, served);
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
        bench.AssertNoPartials();
    }

    [Fact]
    public async Task One_connection_asked_for_fetches_one_stream()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Eighty;
        await using var bench = await ExportBench.StartAsync(ct, layer);

        var result = await bench.ExportAsync(ct, "--connections", "1");

        Assert.True(result.ExitCode == 0, result.Error);
        var gets = bench.BlobGets(layer.Digest);
        Assert.Single(gets);
        Assert.Null(gets[0].Range);
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
    }

    [Fact]
    public async Task Server_without_range_support_is_read_as_one_stream_from_its_first_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Eighty;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.IgnoreRange = true;

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var gets = bench.BlobGets(layer.Digest);
        var only = Assert.Single(gets);
        Assert.Equal(200, only.Status);
        Assert.Equal($"bytes=0-{Piece - 1}", only.Range);
        Assert.Equal(layer.Size, bench.Registry.BytesServed(layer.Digest));
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
        bench.AssertNoPartials();
    }

    [Fact]
    public async Task Dropped_piece_resumes_from_its_last_byte_on_its_own()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Eighty;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.DropAfter(3 << 20));

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("retrying", result.Error);
        var gets = await bench.BlobGetsAsync(layer.Digest, Pieces(layer) + 1, ct);
        var ranges = gets.Select(Bounded).ToList();
        var resumed = Assert.Single(ranges, r => r.Start % Piece != 0);
        Assert.InRange(resumed.Start % Piece, 1, 3 << 20);
        Assert.Equal(Piece - 1, resumed.End % Piece);
        var served = bench.Registry.BytesServed(layer.Digest);
        ExportBench.Report($"dropped piece: resumed at {resumed.Start}, served {served} of {layer.Size} ({(double)served / layer.Size:0.000}x)");
        Assert.True(served < layer.Size * 1.02, $"served {served} bytes for a blob of {layer.Size}");
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
        bench.AssertNoPartials();
    }

    [Fact]
    public async Task Expired_storage_url_is_replaced_by_asking_the_registry_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Eighty;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        await using var cdn = await bench.Registry.StartCdnAsync(cancellationToken: ct);
        var cdnPath = cdn.UrlOf(layer.Digest).AbsolutePath;
        // The first answer comes through the redirect; the next one, asked directly of the storage host, is refused.
        bench.Registry.Faults.Enqueue(cdnPath, Fault.Stall(0, TimeSpan.Zero));
        bench.Registry.Faults.Enqueue(cdnPath, Fault.Status(403, "AccessDenied"));

        var result = await bench.ExportAsync(ct, "--insecure-registry", cdn.Host.Authority);

        Assert.True(result.ExitCode == 0, result.Error);
        var registryGets = bench.BlobGets(layer.Digest);
        // The first answer, then once more for the refused URL (another connection may ask at the same moment).
        Assert.InRange(registryGets.Count, 2, 1 + 4);
        Assert.All(registryGets, r => Assert.Equal(307, r.Status));
        var cdnGets = cdn.Host.Requests.Where(r => r.Method == "GET" && r.Path == cdnPath).ToList();
        Assert.Equal(Pieces(layer) + 1, cdnGets.Count);
        Assert.Single(cdnGets, r => r.Status == 403);
        Assert.All(cdnGets, r => Assert.Null(r.Authorization));
        Assert.Equal(layer.Size, bench.Registry.BytesServed(layer.Digest));
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
    }

    [Fact]
    public async Task Killed_segmented_export_resumes_every_piece_where_it_stood()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Eighty;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.Stall(4 << 20, TimeSpan.FromMinutes(10)), times: 4);
        var record = bench.PartialPath(layer.Digest) + ".segments";

        using (var child = ChildProcess.Start([bench.Reference, "-o", bench.Output, "--cache-dir", bench.Cache, "--quiet"]))
        {
            var stderr = child.StandardError.ReadToEndAsync(ct);
            var stdout = child.StandardOutput.ReadToEndAsync(ct);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!child.HasExited && RecordedBytes(record) < 16 << 20 && DateTime.UtcNow < deadline) await Task.Delay(50, ct);
            await Task.Delay(600, ct);
            Assert.False(child.HasExited, $"the tool exited early ({(child.HasExited ? child.ExitCode : 0)}): {(child.HasExited ? await stderr : "")}");
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(ct);
            await Task.WhenAll(stderr, stdout);
        }

        var kept = RecordedBytes(record);
        var firstRunBytes = bench.Registry.BytesServed(layer.Digest);
        var firstRunGets = (await bench.BlobGetsAsync(layer.Digest, 4, ct)).Count;
        Assert.Equal(16 << 20, kept);
        Assert.False(File.Exists(bench.Output));

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var secondRun = bench.BlobGets(layer.Digest).Skip(firstRunGets).Select(Bounded).ToList();
        var starts = secondRun.Select(r => r.Start).ToHashSet();
        Assert.All(new long[] { 4 << 20, 12 << 20, 20 << 20, 28 << 20 }, at => Assert.Contains(at, starts));
        Assert.DoesNotContain(secondRun, r => r.Start < 28 << 20 && r.Start % Piece != 4 << 20);
        var secondRunBytes = bench.Registry.BytesServed(layer.Digest) - firstRunBytes;
        ExportBench.Report($"killed segmented: first run served {firstRunBytes}, kept {kept}, second run served {secondRunBytes} of {layer.Size}; total {(double)(firstRunBytes + secondRunBytes) / layer.Size:0.000}x");
        Assert.Equal(layer.Size - kept, secondRunBytes);
        Assert.Equal(layer.Size, firstRunBytes + secondRunBytes);
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
        bench.AssertNoPartials();
    }

    [Fact]
    public async Task Record_that_lies_about_done_ranges_costs_one_refetch_and_never_the_output()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Eighty;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        var partial = bench.PartialPath(layer.Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        await File.WriteAllBytesAsync(partial, new byte[layer.Size], ct);
        await File.WriteAllTextAsync(partial + ".segments",
            $"mcr-export-segments 1\ndigest {layer.Digest}\nsize {layer.Size}\ndone 0 {layer.Size}\n", ct);

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(layer.Size, bench.Registry.BytesServed(layer.Digest));
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
        bench.AssertNoPartials();
    }

    [Fact]
    public async Task Record_with_overlapping_ranges_is_thrown_away_with_its_partial_file()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Eighty;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        var partial = bench.PartialPath(layer.Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        await File.WriteAllBytesAsync(partial, new byte[20 << 20], ct);
        await File.WriteAllTextAsync(partial + ".segments",
            $"mcr-export-segments 1\ndigest {layer.Digest}\nsize {layer.Size}\ndone 0 10485760\ndone 5242880 20971520\n", ct);

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.All(bench.BlobGets(layer.Digest).Select(Bounded), r => Assert.Equal(0, r.Start % Piece));
        Assert.Equal(layer.Size, bench.Registry.BytesServed(layer.Digest));
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
        bench.AssertNoPartials();
    }

    private static int Pieces(Layer layer) => (int)((layer.Size + Piece - 1) / Piece);

    private static (long Start, long End) Bounded(RecordedRequest request)
    {
        Assert.NotNull(request.Range);
        var match = BoundedRange().Match(request.Range);
        Assert.True(match.Success, $"not a bounded range: {request.Range}");
        return (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static long RecordedBytes(string record)
    {
        try
        {
            return File.Exists(record)
                ? File.ReadAllLines(record).Where(l => l.StartsWith("done ", StringComparison.Ordinal))
                    .Select(l => l.Split(' ')).Sum(p => long.Parse(p[2], CultureInfo.InvariantCulture) - long.Parse(p[1], CultureInfo.InvariantCulture))
                : 0;
        }
        catch (IOException) { return 0; }
    }

    [GeneratedRegex(@"^bytes=(\d+)-(\d+)$")]
    private static partial Regex BoundedRange();
}
