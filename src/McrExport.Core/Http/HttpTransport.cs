using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using McrExport.Errors;

namespace McrExport.Http;

/// <summary>
/// The one HTTP client of a run. It follows redirects itself, hop by hop, so that every hop is checked against the
/// <see cref="TransportPolicy"/> (scheme, downgrade, address class, at most 10 hops) with the standing of the registry
/// the chain started at, and credentials are attached only to requests for the authority that issued them: never to
/// a redirect target on another host. Addresses are checked where the socket connects (see
/// <see cref="GuardedConnector"/>); proxies from the environment apply to every request; certs.d folders add CA roots
/// and client certificates per host.
/// </summary>
public sealed class HttpTransport : IDisposable
{
    private readonly HttpClient? _fixedClient;
    private readonly ConcurrentDictionary<(bool AllowInternal, string? Tls), HttpClient> _clients = new();
    private readonly ConcurrentDictionary<string, bool> _connectedInternal = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, TlsRefusal> _tlsRefusals = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _userAgent = $"mcr-export/{typeof(HttpTransport).Assembly.GetName().Version?.ToString(3) ?? "0"}";

    public HttpTransport(TransportPolicy policy, HttpMessageHandler? handler = null, TimeSpan? responseTimeout = null)
        : this(policy, new TransportOptions { ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(60) }, handler)
    {
    }

    /// <param name="handler">a handler to use for every request instead of the guarded ones (tests only).</param>
    public HttpTransport(TransportPolicy policy, TransportOptions options, HttpMessageHandler? handler = null)
    {
        Policy = policy;
        Options = options;
        if (handler is not null) _fixedClient = NewClient(handler);
    }

    public TransportPolicy Policy { get; }

    public TransportOptions Options { get; }

    /// <summary>How long to wait for response headers.</summary>
    public TimeSpan ResponseTimeout => Options.ResponseTimeout;

    /// <summary>How long a small body may take (see <see cref="TransportOptions.BodyStallTimeout"/>).</summary>
    public TimeSpan BodyStallTimeout => Options.BodyStallTimeout;

    /// <summary>Requests sent so far, every hop counted (for tests and diagnostics).</summary>
    public int RequestsSent => Volatile.Read(ref _requestsSent);
    private int _requestsSent;

    /// <summary>
    /// Sends a request and follows redirects. <paramref name="configure"/> sets headers (Accept, Range) on every hop;
    /// <paramref name="authorize"/> is called only for hops to <paramref name="trustedAuthority"/>, whose standing
    /// (plain http, internal address) its redirects inherit; null means a URL from image content (strict rule).
    /// The response's <see cref="HttpResponseMessage.RequestMessage"/> tells where the answer finally came from.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        Uri uri,
        Action<HttpRequestMessage>? configure,
        string? trustedAuthority,
        Func<HttpRequestMessage, CancellationToken, ValueTask>? authorize,
        CancellationToken cancellationToken) =>
        SendAsync(method, uri, configure, trustedAuthority, authorize, null, cancellationToken);

    /// <summary>As above, with the standing of <paramref name="trustedAuthority"/> given (<paramref name="origin"/>) instead of derived.</summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        Uri uri,
        Action<HttpRequestMessage>? configure,
        string? trustedAuthority,
        Func<HttpRequestMessage, CancellationToken, ValueTask>? authorize,
        RequestOrigin? origin,
        CancellationToken cancellationToken)
    {
        Uri? from = null;
        var current = uri;
        var originScheme = string.Equals(uri.Authority, trustedAuthority, StringComparison.OrdinalIgnoreCase)
            ? uri.Scheme
            : trustedAuthority is null ? null : Policy.RegistryBaseUri(trustedAuthority).Scheme;
        for (var hop = 0; ; hop++)
        {
            var standing = origin ?? (trustedAuthority is null
                ? RequestOrigin.Content
                : Policy.OriginFor(trustedAuthority, originScheme!, ConnectedInternal(trustedAuthority)));
            var trusted = trustedAuthority is not null && string.Equals(current.Authority, trustedAuthority, StringComparison.OrdinalIgnoreCase);
            var permission = Policy.CheckHop(current, from, standing);

            using var request = new HttpRequestMessage(method, current);
            configure?.Invoke(request);
            if (trusted && authorize is not null) await authorize(request, cancellationToken).ConfigureAwait(false);

            var response = await SendOnceAsync(request, permission, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The standing of a registry (plain http, internal) as this transport knows it, for asking a URL the registry
    /// redirected to again later without the registry (its redirects' standing, not its credentials).
    /// </summary>
    public RequestOrigin OriginOf(Uri registryBaseUri) =>
        Policy.OriginFor(registryBaseUri.Authority, registryBaseUri.Scheme, ConnectedInternal(registryBaseUri.Authority));

    private bool? ConnectedInternal(string authority)
    {
        var uri = new Uri("http://" + authority);
        foreach (var key in new[] { authority, $"{uri.IdnHost}:{uri.Port}", $"{uri.IdnHost}:443" })
            if (_connectedInternal.TryGetValue(key, out var value)) return value;
        return null;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, HopPermission permission, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var client = ClientFor(uri, permission);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResponseTimeout);
        Interlocked.Increment(ref _requestsSent);
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientNetworkException(uri, $"no answer from {uri.Authority} within {ResponseTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e) when (Find<McrExportException>(e) is { } typed)
        {
            throw typed;
        }
        catch (HttpRequestException e) when (Find<AuthenticationException>(e) is not null)
        {
            throw TlsFailure(uri, e);
        }
        catch (HttpRequestException e) when (NetworkErrors.IsClientCertificateAlert(e, uri))
        {
            var folder = Options.Certificates.SuggestedFolder(uri.Port == 443 ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}");
            throw new NetworkException(NetworkErrors.Describe(e, uri), e)
            {
                Hint = $"put the client certificate and its key in {Path.Combine(folder, "client.cert")} and client.key (or in --cert-dir DIR)",
            };
        }
        catch (HttpRequestException e) when (Find<SocketException>(e) is { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain })
        {
            var proxy = Options.Proxy.ProxyFor(uri);
            throw new NetworkException(proxy is null
                ? $"cannot resolve host {uri.IdnHost}"
                : $"cannot resolve the proxy host {proxy.IdnHost} (from {(uri.Scheme == Uri.UriSchemeHttps ? "HTTPS_PROXY" : "HTTP_PROXY")})", e)
            {
                Hint = proxy is null && Options.Proxy.IsEmpty
                    ? "check the name; if only a proxy can resolve outside names here, set HTTPS_PROXY (and HTTP_PROXY)"
                    : null,
            };
        }
        catch (HttpRequestException e)
        {
            throw new TransientNetworkException(uri, NetworkErrors.Describe(e, uri), e);
        }
    }

    private NetworkException TlsFailure(Uri uri, HttpRequestException e)
    {
        var refusal = _tlsRefusals.TryGetValue(uri.IdnHost, out var r) ? r : null;
        var reason = refusal?.Reason ?? Find<AuthenticationException>(e)!.Message;
        var folder = Options.Certificates.SuggestedFolder(uri.Port == 443 ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}");
        return new NetworkException($"TLS handshake with {uri.Authority} failed: {reason}", e)
        {
            Hint = refusal?.Kind switch
            {
                TlsRefusalKind.NameMismatch => $"use the host name the certificate names, or have the certificate of {uri.IdnHost} reissued for that name",
                TlsRefusalKind.Expired => "the server's certificate must be renewed (or this machine's clock is wrong)",
                _ => $"if the registry uses a private CA, put its certificate in {Path.Combine(folder, "ca.crt")} (or pass --cert-dir DIR " +
                     "with it as *.crt), or add it to the system certificate store (SSL_CERT_FILE / SSL_CERT_DIR); " +
                     "a proxy that intercepts TLS needs its CA there too",
            },
        };
    }

    private HttpClient ClientFor(Uri uri, HopPermission permission)
    {
        if (_fixedClient is not null) return _fixedClient;
        var tls = uri.Scheme == Uri.UriSchemeHttps ? Options.Certificates.For(uri.IdnHost, uri.Port) : null;
        return _clients.GetOrAdd((permission.AllowInternalAddresses, tls?.Authority), key => NewClient(NewHandler(key.AllowInternal, tls)));
    }

    private SocketsHttpHandler NewHandler(bool allowInternal, HostCertificates? tls)
    {
        var connector = new GuardedConnector(Policy, Options.Proxy, allowInternal, _connectedInternal);
        var validator = new TlsValidator(tls, _tlsRefusals);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 32,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseCookies = false,
            ConnectCallback = connector.ConnectAsync,
            UseProxy = !Options.Proxy.IsEmpty,
            Proxy = Options.Proxy.IsEmpty ? null : Options.Proxy.ToWebProxy(),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = validator.Validate,
            },
        };
        if (tls?.ClientCertificate is { } client)
        {
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { client };
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => client;
        }
        return handler;
    }

    private HttpClient NewClient(HttpMessageHandler handler)
    {
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(_userAgent);
        return client;
    }

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is T t) return t;
        return null;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    public void Dispose()
    {
        _fixedClient?.Dispose();
        foreach (var client in _clients.Values) client.Dispose();
        _clients.Clear();
    }
}
