using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>A broken blob download goes on from the last byte received, with a Range request.</summary>
public sealed class ResumeTests
{
    [Fact]
    public async Task Dropped_connection_resumes_with_a_range_request_and_serves_little_more_than_the_blob()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Sixteen;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.DropAfter(layer.Size / 2));

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var gets = bench.BlobGets(layer.Digest);
        Assert.Equal(2, gets.Count);
        Assert.Null(gets[0].Range);
        var resumedAt = ExportBench.RangeStart(gets[1]);
        Assert.InRange(resumedAt, 1, layer.Size / 2);
        Assert.Equal(206, gets[1].Status);
        var served = bench.Registry.BytesServed(layer.Digest);
        ExportBench.Report($"dropped: resumed at {resumedAt}, served {served} of {layer.Size} ({(double)served / layer.Size:0.000}x)");
        Assert.True(served < layer.Size * 1.1, $"served {served} bytes for a blob of {layer.Size}");
        Assert.Contains("retrying", result.Error);
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
        bench.AssertNoPartials();
    }

    [Fact]
    public async Task Resume_through_a_redirect_asks_the_registry_again_and_sends_the_range_to_the_cdn()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Sixteen;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        await using var cdn = await bench.Registry.StartCdnAsync(cancellationToken: ct);
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.DropAfter(layer.Size / 2));

        var result = await bench.ExportAsync(ct, "--insecure-registry", cdn.Host.Authority);

        Assert.True(result.ExitCode == 0, result.Error);
        var registryGets = bench.BlobGets(layer.Digest);
        Assert.Equal(2, registryGets.Count);
        Assert.All(registryGets, r => Assert.Equal(307, r.Status));
        var cdnGets = cdn.Host.Requests.Where(r => r.Method == "GET" && r.Path.EndsWith(layer.Digest.Encoded, StringComparison.Ordinal))
            .OrderBy(r => r.Received).ToList();
        Assert.Equal(2, cdnGets.Count);
        Assert.Null(cdnGets[0].Range);
        var resumedAt = ExportBench.RangeStart(cdnGets[1]);
        Assert.InRange(resumedAt, 1, layer.Size / 2);
        Assert.Equal(206, cdnGets[1].Status);
        Assert.All(cdnGets, r => Assert.Null(r.Authorization));
        var served = bench.Registry.BytesServed(layer.Digest);
        ExportBench.Report($"redirected: resumed at {resumedAt}, served {served} of {layer.Size} ({(double)served / layer.Size:0.000}x)");
        Assert.True(served < layer.Size * 1.1, $"served {served} bytes for a blob of {layer.Size}");
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
    }

    [Fact]
    public async Task Server_that_ignores_range_makes_the_download_start_over_cleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Sixteen;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.IgnoreRange = true;
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.DropAfter(layer.Size / 2));

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var gets = bench.BlobGets(layer.Digest);
        Assert.Equal(2, gets.Count);
        Assert.True(ExportBench.RangeStart(gets[1]) > 0);
        Assert.Equal(200, gets[1].Status);
        Assert.Equal(layer.Size, gets[1].BodyBytesServed);
        var served = bench.Registry.BytesServed(layer.Digest);
        ExportBench.Report($"range ignored: served {served} of {layer.Size} ({(double)served / layer.Size:0.000}x)");
        Assert.Equal(layer.Size / 2 + layer.Size, served);
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
        Assert.Equal(layer.Bytes, await File.ReadAllBytesAsync(bench.CachedBlobPath(layer.Digest), ct));
        bench.AssertNoPartials();
    }

    [Fact]
    public async Task Stalled_read_is_given_up_after_the_stall_timeout_and_resumed()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Sixteen;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.Stall(layer.Size / 2, TimeSpan.FromMinutes(5)));

        var result = await bench.ExportAsync(ct, "--stall-timeout", "1");

        Assert.True(result.ExitCode == 0, result.Error);
        var gets = await bench.BlobGetsAsync(layer.Digest, 2, ct);
        Assert.Equal(2, gets.Count);
        var resumedAt = ExportBench.RangeStart(gets[1]);
        Assert.InRange(resumedAt, 1, layer.Size / 2);
        Assert.Contains("no data from", result.Error);
        var served = bench.Registry.BytesServed(layer.Digest);
        ExportBench.Report($"stalled: resumed at {resumedAt}, served {served} of {layer.Size} ({(double)served / layer.Size:0.000}x)");
        Assert.True(served < layer.Size * 1.1, $"served {served} bytes for a blob of {layer.Size}");
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
    }
}
