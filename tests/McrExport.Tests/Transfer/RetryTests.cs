using McrExport.Errors;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>5xx and 429 answers and dropped connections are retried with backoff, a bounded number of times.</summary>
public sealed class RetryTests
{
    private static readonly Layer Small = Layer.Random(256 * 1024, 4001);

    [Fact]
    public async Task Service_unavailable_on_the_manifest_and_the_blob_is_retried_once_and_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Small);
        bench.Registry.Faults.Enqueue($"/v2/{ExportBench.Repository}/manifests/latest", Fault.ServiceUnavailable());
        bench.Registry.Faults.Enqueue(Small.Digest, Fault.ServiceUnavailable());

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var manifestGets = bench.Registry.Requests.Where(r => r.Path == $"/v2/{ExportBench.Repository}/manifests/latest")
            .OrderBy(r => r.Received).Select(r => r.Status).ToList();
        Assert.Equal([503, 200], manifestGets);
        Assert.Equal([503, 200], bench.BlobGets(Small.Digest).Select(r => r.Status));
        Assert.Equal(Small.Size, bench.Registry.BytesServed(Small.Digest));
        Assert.Equal(Small.Bytes, bench.ExportedBlob(Small.Digest));
        Assert.Equal(0, bench.Registry.Faults.Pending);
    }

    [Fact]
    public async Task Too_many_requests_waits_for_retry_after_before_asking_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Small);
        bench.Registry.Faults.Enqueue(Small.Digest, Fault.TooManyRequests(retryAfterSeconds: 1));

        var result = await bench.ExportAsync(ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var gets = bench.BlobGets(Small.Digest);
        Assert.Equal([429, 200], gets.Select(r => r.Status));
        var waited = gets[1].Received - gets[0].Received;
        ExportBench.Report($"429 Retry-After 1: asked again after {waited.TotalSeconds:0.000} s");
        Assert.True(waited >= TimeSpan.FromSeconds(0.9), $"asked again after {waited.TotalMilliseconds:0} ms");
        Assert.Contains("in 1.0 s", result.Error);
        Assert.Equal(Small.Bytes, bench.ExportedBlob(Small.Digest));
    }

    [Fact]
    public async Task Retries_are_bounded_and_a_registry_that_keeps_failing_fails_the_export()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Small);
        bench.Registry.Faults.Enqueue(Small.Digest, Fault.ServiceUnavailable(), times: 10);

        var result = await bench.ExportAsync(ct, "--retries", "2");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal(3, bench.BlobGets(Small.Digest).Count);
        Assert.Contains("answered 503", result.Error);
        Assert.Contains(Small.Digest.ToString(), result.Error);
        Assert.Contains("error: ", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(File.Exists(bench.Output));
    }

    [Fact]
    public async Task Connections_that_keep_dropping_without_progress_fail_with_the_network_exit_code()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Small);
        bench.Registry.Faults.Enqueue(Small.Digest, Fault.DropAfter(0), times: 10);

        var result = await bench.ExportAsync(ct, "--retries", "2");

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        Assert.Equal(3, (await bench.BlobGetsAsync(Small.Digest, 3, ct)).Count);
        Assert.Contains(bench.Registry.Authority, result.Error);
        Assert.Contains("after 3 attempts", result.Error);
        Assert.False(File.Exists(bench.Output));
    }

    [Fact]
    public async Task Drops_that_each_bring_new_bytes_do_not_use_up_the_retries()
    {
        var ct = TestContext.Current.CancellationToken;
        var layer = Layer.Random(2 << 20, 4002);
        await using var bench = await ExportBench.StartAsync(ct, layer);
        bench.Registry.Faults.Enqueue(layer.Digest, Fault.DropAfter(256 * 1024), times: 5);

        var result = await bench.ExportAsync(ct, "--retries", "1");

        Assert.True(result.ExitCode == 0, result.Error);
        var gets = bench.BlobGets(layer.Digest);
        Assert.Equal(6, gets.Count);
        Assert.Equal(gets.Skip(1).Select(ExportBench.RangeStart).Order(), gets.Skip(1).Select(ExportBench.RangeStart));
        Assert.True(bench.Registry.BytesServed(layer.Digest) < layer.Size * 1.1);
        Assert.Equal(layer.Bytes, bench.ExportedBlob(layer.Digest));
    }
}
