using McrExport.Tests.Fakes;
using Microsoft.AspNetCore.Http;

namespace McrExport.Tests.AirGap;

/// <summary>
/// A loopback HTTP proxy in front of a registry that keeps the client's <c>Host</c> (so upload URLs point back at it),
/// counts the request body bytes it forwards, and can hold a <c>PATCH</c> before forwarding it: a client killed while
/// it waits leaves the registry exactly at the last chunk it accepted.
/// </summary>
public sealed class HoldingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Expect", "Upgrade", "Proxy-Connection",
    };

    private readonly FakeHost _host;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
    private readonly Uri _target;
    private long _bodyBytes;
    private long _patchBytes;

    private HoldingProxy(FakeHost host, Uri target)
    {
        _host = host;
        _target = target;
        host.Fallback = ForwardAsync;
    }

    /// <summary><c>127.0.0.1:port</c> of the proxy.</summary>
    public string Authority => _host.Authority;

    /// <summary>Request body bytes forwarded since the last <see cref="ResetCounters"/>.</summary>
    public long BodyBytes => Interlocked.Read(ref _bodyBytes);

    /// <summary><c>PATCH</c> body bytes forwarded since the last <see cref="ResetCounters"/>.</summary>
    public long PatchBytes => Interlocked.Read(ref _patchBytes);

    /// <summary>Given a <c>PATCH</c>'s first byte offset, true to hold it until the client goes away.</summary>
    public Func<long, bool>? HoldPatch { get; set; }

    /// <summary>Completes with the offset of the first <c>PATCH</c> held.</summary>
    public TaskCompletionSource<long> Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<HoldingProxy> StartAsync(Uri target, CancellationToken cancellationToken) =>
        new(await FakeHost.StartAsync(cancellationToken: cancellationToken), target);

    public void ResetCounters()
    {
        Interlocked.Exchange(ref _bodyBytes, 0);
        Interlocked.Exchange(ref _patchBytes, 0);
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, aborted);
        var isPatch = HttpMethods.IsPatch(request.Method);
        if (isPatch && HoldPatch is { } hold && hold(StartOf(request.Headers["Content-Range"].ToString())))
        {
            Held.TrySetResult(StartOf(request.Headers["Content-Range"].ToString()));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, _host.Stopping);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_target, request.Path.Value + request.QueryString.Value));
        if (body.Length > 0 || !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            forward.Content = new ByteArrayContent(body.ToArray());
        foreach (var (name, values) in request.Headers)
        {
            if (HopHeaders.Contains(name)) continue;
            if (!forward.Headers.TryAddWithoutValidation(name, values.ToArray()))
                forward.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        forward.Headers.Host = request.Host.Value;
        using var response = await _upstream.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, aborted);
        Interlocked.Add(ref _bodyBytes, body.Length);
        if (isPatch) Interlocked.Add(ref _patchBytes, body.Length);

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (!HopHeaders.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                context.Response.Headers[name] = values.ToArray();
        if (!HttpMethods.IsHead(request.Method))
            await response.Content.CopyToAsync(context.Response.Body, aborted);
    }

    private static long StartOf(string contentRange)
    {
        var dash = contentRange.IndexOf('-');
        return dash > 0 && long.TryParse(contentRange[..dash], out var start) ? start : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _upstream.Dispose();
    }
}
