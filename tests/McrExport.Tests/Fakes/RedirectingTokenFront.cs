using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace McrExport.Tests.Fakes;

/// <summary>
/// A front for a real registry, as a hosted registry puts one before its storage: it requires Bearer tokens from a
/// <see cref="FakeTokenService"/> (the challenge names <see cref="Realm"/>, which may be a name only a proxy knows),
/// forwards manifests, tags and the base endpoint to the registry behind it, and answers blob GETs with a 307 to
/// <see cref="BlobLocation"/> (its storage on another host). Every request is recorded on <see cref="Host"/>.
/// </summary>
public sealed partial class RedirectingTokenFront : IAsyncDisposable
{
    private static readonly HashSet<string> Copied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Docker-Content-Digest", "Docker-Distribution-Api-Version", "Link", "ETag",
    };

    private readonly HttpClient _upstream;

    private RedirectingTokenFront(FakeHost host, Uri upstream, FakeTokenService tokens, Uri realm, Func<string, string, Uri> blobLocation)
    {
        Host = host;
        Tokens = tokens;
        Realm = realm;
        BlobLocation = blobLocation;
        _upstream = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = upstream };
        host.MapPrefix("/v2", HandleAsync);
    }

    public FakeHost Host { get; }

    public FakeTokenService Tokens { get; }

    /// <summary>The realm URL sent in challenges.</summary>
    public Uri Realm { get; }

    /// <summary>Where a blob GET is sent: (repository, digest) → URL.</summary>
    public Func<string, string, Uri> BlobLocation { get; }

    public static async Task<RedirectingTokenFront> StartAsync(Uri upstream, FakeTokenService tokens, Uri realm,
        Func<string, string, Uri> blobLocation, string ip = Loopback.Registry, CancellationToken cancellationToken = default) =>
        new(await FakeHost.StartAsync(ip, cancellationToken), upstream, tokens, realm, blobLocation);

    [GeneratedRegex("^/v2/(?<repo>.+)/(?<kind>manifests|blobs|tags)/(?<rest>[^/]+)$")]
    private static partial Regex Route();

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        var match = Route().Match(path);
        var repository = match.Success ? match.Groups["repo"].Value : null;
        var authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null;
        if (token is null || !Tokens.IsValid(token, repository))
        {
            var scope = repository is null ? "" : $",scope=\"repository:{repository}:pull\"";
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\",service=\"{FakeTokenService.ServiceName}\"{scope}";
            await RegistryErrors.WriteAsync(context, 401, RegistryErrors.Unauthorized, "authentication required", RegistryErrorStyle.Json);
            return;
        }
        if (match.Success && match.Groups["kind"].Value == "blobs" && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = BlobLocation(repository!, match.Groups["rest"].Value).AbsoluteUri;
            return;
        }
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), path.TrimStart('/') + context.Request.QueryString.Value);
        foreach (var accept in context.Request.Headers.Accept) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (Copied.Contains(name)) context.Response.Headers[name] = values.ToArray();
        if (response.Content.Headers.ContentLength is { } length) context.Response.ContentLength = length;
        if (!HttpMethods.IsHead(context.Request.Method)) await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _upstream.Dispose();
    }
}
