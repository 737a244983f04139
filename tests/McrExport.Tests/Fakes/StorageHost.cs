using Microsoft.AspNetCore.Http;

namespace McrExport.Tests.Fakes;

/// <summary>
/// A registry's own blob storage on another host, over plain http (as MinIO or another S3-compatible store behind a
/// distribution or Harbor registry): <c>GET /storage/&lt;repository&gt;/&lt;digest&gt;?sig=…</c> answers the blob,
/// read from the registry's API (<see cref="Upstream"/>). It records every request (with its Authorization header).
/// </summary>
public sealed class StorageHost : IAsyncDisposable
{
    private readonly HttpClient _upstream;

    private StorageHost(FakeHost host, Uri upstream, HttpMessageHandler? handler)
    {
        Host = host;
        Upstream = upstream;
        _upstream = new HttpClient(handler ?? new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = upstream };
        host.MapPrefix("/storage/", ServeAsync);
    }

    public FakeHost Host { get; }

    public Uri Upstream { get; }

    public static async Task<StorageHost> StartAsync(Uri upstream, string ip = Loopback.Cdn, HttpMessageHandler? handler = null,
        CancellationToken cancellationToken = default) =>
        new(await FakeHost.StartAsync(ip, cancellationToken), upstream, handler);

    /// <summary>A signed-looking URL for a blob, on <paramref name="authority"/> (this host's address, or a name for it).</summary>
    public Uri UrlFor(string authority, string repository, string digest) =>
        new($"http://{authority}/storage/{repository}/{digest}?X-Amz-Expires=600&X-Amz-Signature=0f0f0f");

    private async Task ServeAsync(HttpContext context)
    {
        var rest = context.Request.Path.Value!["/storage/".Length..];
        var slash = rest.LastIndexOf('/');
        if (slash <= 0 || !HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{rest[..slash]}/blobs/{rest[(slash + 1)..]}");
        if (context.Request.Headers.Range.ToString() is { Length: > 0 } range) request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentLength is { } length) context.Response.ContentLength = length;
        if (response.Content.Headers.ContentRange is { } contentRange) context.Response.Headers.ContentRange = contentRange.ToString();
        context.Response.ContentType = "application/octet-stream";
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _upstream.Dispose();
    }
}
