using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>A bearer token that expires in the middle of a long blob download is renewed and the download goes on.</summary>
public sealed class TokenExpiryTests
{
    [Fact]
    public async Task Expired_token_mid_blob_fetches_a_new_token_and_resumes()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = BigLayers.Sixteen;
        await using var bench = await ExportBench.StartAsync(ct, layer);
        var tokens = bench.Registry.UseBearerAuth();
        var half = layer.Size / 2;
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.Stall(half, TimeSpan.FromMinutes(5)));

        var export = bench.ExportAsync(ct, "--stall-timeout", "2");
        while (bench.Registry.BytesServed(layer.Digest) < half && !export.IsCompleted) await Task.Delay(10, ct);
        tokens.ExpireAllTokens();
        var result = await export;

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(2, tokens.Requests.Count);
        var gets = await bench.BlobGetsAsync(layer.Digest, 3, ct);
        Assert.Equal([200, 401, 206], gets.Select(r => r.Status));
        Assert.Equal(gets[1].Range, gets[2].Range);
        Assert.InRange(ExportBench.RangeStart(gets[2]), 1, half);
        Assert.NotEqual(gets[0].Authorization, gets[2].Authorization);
        var served = bench.Registry.BytesServed(layer.Digest);
        ExportBench.Report($"token expired: served {served} of {layer.Size} ({(double)served / layer.Size:0.000}x)");
        Assert.True(served < layer.Size * 1.1);
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
    }
}
