using System.Collections.Concurrent;
using McrExport.Model;
using Microsoft.AspNetCore.Http;

namespace McrExport.Tests.Fakes;

/// <summary>
/// A storage host serving published blobs at <c>/blobs/&lt;alg&gt;/&lt;hex&gt;</c> (any query string), with Range
/// support, digest-keyed faults and byte counting (shared with a registry when built by it).
/// </summary>
public sealed class FakeCdn : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    private FakeCdn(FakeHost host, FaultPlan faults, TrafficCounters traffic)
    {
        Host = host;
        Faults = faults;
        Traffic = traffic;
        host.MapPrefix("/blobs/", ServeAsync);
    }

    public FakeHost Host { get; }

    public Uri BaseUri => Host.BaseUri;

    public FaultPlan Faults { get; }

    public TrafficCounters Traffic { get; }

    /// <summary>Answers 200 with the whole blob whatever the Range header says.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Starts a CDN on <paramref name="ip"/>; pass a registry's faults and counters to share them.</summary>
    public static async Task<FakeCdn> StartAsync(string ip = Loopback.Cdn, FaultPlan? faults = null, TrafficCounters? traffic = null,
        CancellationToken cancellationToken = default) =>
        new(await FakeHost.StartAsync(ip, cancellationToken), faults ?? new FaultPlan(), traffic ?? new TrafficCounters());

    /// <summary>Makes <paramref name="bytes"/> available and returns its plain URL.</summary>
    public Uri Publish(byte[] bytes)
    {
        var digest = Digest.Compute(bytes);
        _blobs[digest.ToString()] = bytes;
        return UrlOf(digest);
    }

    public Uri UrlOf(Digest digest) => Host.Url($"/blobs/{digest.Algorithm}/{digest.Encoded}");

    /// <summary>A URL that looks like a short-lived signed storage URL.</summary>
    public Uri SignedUrlOf(Digest digest)
    {
        var expiry = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var signature = Digest.Compute(System.Text.Encoding.UTF8.GetBytes($"{digest}|{expiry}")).Short;
        return Host.Url($"/blobs/{digest.Algorithm}/{digest.Encoded}?se={expiry}&sp=r&sig={signature}");
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        if (parts.Length != 3 || !Digest.TryParse($"{parts[1]}:{parts[2]}", out var digest) || !_blobs.TryGetValue(digest.ToString(), out var bytes))
        {
            await RegistryErrors.WriteAsync(context, 404, RegistryErrors.BlobUnknown, "the specified blob does not exist", RegistryErrorStyle.Xml);
            return;
        }
        var fault = Faults.TakeNext(path, digest);
        var content = new ContentResponder.Content(bytes, digest, "application/octet-stream") { HonorRange = !IgnoreRange };
        await ContentResponder.ServeAsync(context, content, fault, Traffic, Host.Stopping);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
