using System.Net;
using McrExport.Errors;

namespace McrExport.Http;

/// <summary>
/// The one HTTP client of a run. It follows redirects itself, hop by hop, so that every hop is checked against the
/// <see cref="TransportPolicy"/> (scheme, downgrade, internal addresses, at most 10 hops) and credentials are attached
/// only to requests for the authority that issued them: never to a redirect target on another host.
/// </summary>
public sealed class HttpTransport : IDisposable
{
    private readonly HttpClient _client;
    private readonly bool _ownsClient;

    public HttpTransport(TransportPolicy policy, HttpMessageHandler? handler = null, TimeSpan? responseTimeout = null)
    {
        Policy = policy;
        ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(60);
        handler ??= new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 32,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd($"mcr-export/{typeof(HttpTransport).Assembly.GetName().Version?.ToString(3) ?? "0"}");
        _ownsClient = true;
    }

    public TransportPolicy Policy { get; }

    /// <summary>How long to wait for response headers.</summary>
    public TimeSpan ResponseTimeout { get; }

    /// <summary>
    /// Sends a request and follows redirects. <paramref name="configure"/> sets headers (Accept, Range) on every hop;
    /// <paramref name="authorize"/> is called only for hops to <paramref name="trustedAuthority"/>.
    /// The response's <see cref="HttpResponseMessage.RequestMessage"/> tells where the answer finally came from.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        Uri uri,
        Action<HttpRequestMessage>? configure,
        string? trustedAuthority,
        Func<HttpRequestMessage, CancellationToken, ValueTask>? authorize,
        CancellationToken cancellationToken)
    {
        Uri? from = null;
        var current = uri;
        for (var hop = 0; ; hop++)
        {
            var trusted = trustedAuthority is not null && string.Equals(current.Authority, trustedAuthority, StringComparison.OrdinalIgnoreCase);
            Policy.CheckTarget(current, from, trustedAuthority);
            if (!trusted) await CheckDnsAsync(current, cancellationToken).ConfigureAwait(false);

            using var request = new HttpRequestMessage(method, current);
            configure?.Invoke(request);
            if (trusted && authorize is not null) await authorize(request, cancellationToken).ConfigureAwait(false);

            var response = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode)) return response;

            var location = response.Headers.Location;
            response.Dispose();
            if (location is null) throw new RegistryException($"{current.Authority} answered a redirect without a Location");
            if (hop >= TransportPolicy.MaxRedirects)
                throw new PolicyException($"too many redirects (more than {TransportPolicy.MaxRedirects}) starting at {uri.Authority}{uri.AbsolutePath}");
            from = current;
            current = location.IsAbsoluteUri ? location : new Uri(current, location);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResponseTimeout);
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientNetworkException(request.RequestUri!, $"no answer from {request.RequestUri!.Authority} within {ResponseTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            throw new TransientNetworkException(request.RequestUri!, NetworkErrors.Describe(e, request.RequestUri!), e);
        }
    }

    private async Task CheckDnsAsync(Uri target, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(target.IdnHost.Trim('[', ']'), out _) || TransportPolicy.IsLoopbackName(target.IdnHost)) return;
        if (Policy.IsInsecure(target.IdnHost, target.Port)) return;
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(target.IdnHost, cancellationToken).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new TransientNetworkException(target, $"cannot resolve host {target.IdnHost}: {e.Message}", e);
        }
        Policy.CheckResolved(target.IdnHost, target.Port, addresses, trusted: false);
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
    }
}
