using System.Collections.Concurrent;
using McrExport.Tests.Fakes;
using Microsoft.AspNetCore.Http;

namespace McrExport.Tests.Hostile.Files;

/// <summary>
/// A minimal push target on 127.0.0.1 that records every byte it receives: <c>/v2/</c>, blob <c>HEAD</c> (never
/// there), upload <c>POST</c>/<c>PATCH</c>/<c>PUT</c> and manifest <c>PUT</c>, all accepted without checking. The
/// test asserts on <see cref="Received"/>; <see cref="Gate"/>, when set, is awaited before the first request
/// is answered (so a test can change files while the push runs).
/// </summary>
public sealed class PushRecorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Method, string PathAndQuery, byte[] Body)> _received = new();
    private int _uploads;
    private int _gated;

    private PushRecorder(FakeHost host)
    {
        Host = host;
        host.MapPrefix("/v2", HandleAsync);
        host.Fallback = HandleAsync;
    }

    public FakeHost Host { get; }

    public string Authority => Host.Authority;

    public Func<Task>? Gate { get; set; }

    public IReadOnlyList<(string Method, string PathAndQuery, byte[] Body)> Received => _received.ToArray();

    public long BytesReceived => Received.Sum(r => (long)r.Body.Length);

    /// <summary>True when any request body holds <paramref name="needle"/>.</summary>
    public bool ReceivedBytes(ReadOnlySpan<byte> needle)
    {
        var all = Received.SelectMany(r => r.Body).ToArray();
        return all.AsSpan().IndexOf(needle) >= 0;
    }

    /// <summary>Requests that complete a blob upload (<c>PUT …?digest=</c>).</summary>
    public IEnumerable<string> CompletedUploads => Received.Where(r => r.Method == "PUT" && r.PathAndQuery.Contains("digest=", StringComparison.Ordinal))
        .Select(r => r.PathAndQuery);

    public static async Task<PushRecorder> StartAsync(CancellationToken cancellationToken) =>
        new(await FakeHost.StartAsync(Loopback.Registry, cancellationToken));

    private async Task HandleAsync(HttpContext context)
    {
        if (Gate is { } gate && Interlocked.Exchange(ref _gated, 1) == 0) await gate();
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        _received.Enqueue((request.Method, request.Path.Value + request.QueryString.Value, body.ToArray()));
        var path = request.Path.Value ?? "/";
        var response = context.Response;
        if (path is "/v2/" or "/v2") { response.StatusCode = 200; return; }
        if (request.Method == "HEAD") { response.StatusCode = 404; return; }
        if (request.Method == "POST" && path.EndsWith("/blobs/uploads/", StringComparison.Ordinal))
        {
            response.StatusCode = 202;
            response.Headers.Location = $"{path}{Interlocked.Increment(ref _uploads)}";
            response.Headers["Range"] = "0-0";
            return;
        }
        if (request.Method == "PATCH")
        {
            response.StatusCode = 202;
            response.Headers.Location = path;
            var range = request.Headers["Content-Range"].ToString();
            response.Headers["Range"] = range.Length > 0 ? "0-" + range.Split('-')[^1] : "0-0";
            return;
        }
        if (request.Method == "PUT") { response.StatusCode = 201; return; }
        if (request.Method == "GET") { response.StatusCode = 404; return; }
        response.StatusCode = 405;
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
