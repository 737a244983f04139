using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace McrExport.Tests.Fakes;

/// <summary>A link service like fwlink: <c>/fwlink/?linkid=N</c> (or <c>/fwlink?linkid=N</c>) answers 302 to a target URL.</summary>
public sealed class FakeRedirector : IAsyncDisposable
{
    private readonly ConcurrentDictionary<int, Uri> _links = new();

    private FakeRedirector(FakeHost host)
    {
        Host = host;
        host.Map("/fwlink", RedirectAsync);
        host.Map("/fwlink/", RedirectAsync);
    }

    public FakeHost Host { get; }

    public Uri BaseUri => Host.BaseUri;

    /// <summary>The status sent for a known link (302 by default).</summary>
    public int RedirectStatus { get; set; } = StatusCodes.Status302Found;

    public static async Task<FakeRedirector> StartAsync(string ip = Loopback.Redirector, CancellationToken cancellationToken = default) =>
        new(await FakeHost.StartAsync(ip, cancellationToken));

    /// <summary>Registers link <paramref name="linkId"/> → <paramref name="target"/>; returns the link's URL.</summary>
    public Uri AddLink(int linkId, Uri target)
    {
        _links[linkId] = target;
        return LinkUri(linkId);
    }

    /// <summary><c>http://ip:port/fwlink/?linkid=N</c>.</summary>
    public Uri LinkUri(int linkId) => Host.Url($"/fwlink/?linkid={linkId}");

    private Task RedirectAsync(HttpContext context)
    {
        if (int.TryParse(context.Request.Query["linkid"].ToString(), out var id) && _links.TryGetValue(id, out var target))
        {
            context.Response.StatusCode = RedirectStatus;
            context.Response.Headers.Location = target.AbsoluteUri;
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
