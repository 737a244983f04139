using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McrExport.PeerTests.Peers;

/// <summary>
/// A static HTTP server on 127.0.0.2 that serves foreign layers by path, standing in for the host that a
/// descriptor's <c>urls</c> name. It counts the requests it answered.
/// </summary>
public sealed class ForeignLayerServer : IAsyncDisposable
{
    public static readonly IPAddress Address = IPAddress.Parse("127.0.0.2");

    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication? _app;

    public int Port { get; private set; }

    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/> and returns its absolute URL.</summary>
    public string Serve(string path, byte[] content)
    {
        _files[path] = content;
        return $"http://{Address}:{Port}{path}";
    }

    public static async Task<ForeignLayerServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new ForeignLayerServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        server.Port = FreePort.On(Address);
        builder.WebHost.ConfigureKestrel(options => options.Listen(Address, server.Port));
        var app = builder.Build();
        app.Run(server.Answer);
        await app.StartAsync(cancellationToken);
        server._app = app;
        return server;
    }

    private async Task Answer(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        _requests.Enqueue($"{context.Request.Method} {path}");
        if (!_files.TryGetValue(path, out var content))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = content.Length;
        if (HttpMethods.IsHead(context.Request.Method)) return;
        await context.Response.Body.WriteAsync(content, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
