using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McrExport.Tests.Fakes;

/// <summary>
/// A minimal HTTP server on one loopback address and an ephemeral port. It records every request it answers and
/// dispatches to handlers its owner maps by exact path or by path prefix; anything unmapped gets 404.
/// </summary>
public sealed class FakeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, RequestDelegate> _exact = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RequestDelegate> _prefixes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _log = new();
    private int _started;
    private int _disposed;

    private FakeHost(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary><c>http://ip:port</c>, without a trailing slash in <see cref="Authority"/>.</summary>
    public Uri BaseUri { get; }

    /// <summary><c>ip:port</c>.</summary>
    public string Authority => BaseUri.Authority;

    /// <summary>Cancelled when the host starts shutting down; long-running handlers should observe it.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Every completed request, in completion order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _log.ToArray();

    /// <summary>Requests that reached the host, finished or not.</summary>
    public int RequestsStarted => Volatile.Read(ref _started);

    /// <summary>Answers requests not matched by any mapped path; 404 when null.</summary>
    public RequestDelegate? Fallback { get; set; }

    /// <summary>Starts a host on <paramref name="ip"/> (127.0.0.0/8 only) and an ephemeral port.</summary>
    public static async Task<FakeHost> StartAsync(string ip = Loopback.Registry, CancellationToken cancellationToken = default)
    {
        var address = Loopback.Parse(ip);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseSetting(WebHostDefaults.PreferHostingUrlsKey, "false");
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(address, 0);
        });
        var app = builder.Build();
        FakeHost? host = null;
        app.Use(async (HttpContext context, RequestDelegate _) => await host!.HandleAsync(context));
        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var bound = new Uri(addresses.Single());
        host = new FakeHost(app, new Uri($"http://{ip}:{bound.Port}"));
        return host;
    }

    /// <summary>Maps an exact path (no query), any method.</summary>
    public void Map(string path, RequestDelegate handler) => _exact[path] = handler;

    /// <summary>Maps every path that starts with <paramref name="prefix"/>; the longest matching prefix wins.</summary>
    public void MapPrefix(string prefix, RequestDelegate handler) => _prefixes[prefix] = handler;

    /// <summary>An absolute URL on this host for <paramref name="pathAndQuery"/>.</summary>
    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>How many completed requests had exactly this path (query ignored).</summary>
    public int CountRequests(string path) => _log.Count(r => r.Path == path);

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _started);
        var received = DateTimeOffset.UtcNow;
        var request = context.Request;
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var pathAndQuery = request.Path.Value + request.QueryString.Value;
        var counter = new CountingStream(context.Response.Body);
        context.Response.Body = counter;
        try
        {
            var path = request.Path.Value ?? "/";
            var handler = _exact.TryGetValue(path, out var exact) ? exact
                : _prefixes.Where(p => path.StartsWith(p.Key, StringComparison.Ordinal))
                    .OrderByDescending(p => p.Key.Length).Select(p => p.Value).FirstOrDefault()
                  ?? Fallback;
            if (handler is null) context.Response.StatusCode = StatusCodes.Status404NotFound;
            else await handler(context);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
        }
        finally
        {
            _log.Enqueue(new RecordedRequest(request.Method, pathAndQuery, request.Host.Value ?? "", headers,
                context.Response.StatusCode, counter.BytesWritten) { Received = received });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _app.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
