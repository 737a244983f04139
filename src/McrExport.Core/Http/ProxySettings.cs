using System.Net;
using McrExport.Errors;

namespace McrExport.Http;

/// <summary>
/// The proxies of the environment: <c>HTTPS_PROXY</c> for https URLs, <c>HTTP_PROXY</c> for http URLs (either falls
/// back to <c>ALL_PROXY</c>), <c>NO_PROXY</c> for hosts that go direct; upper or lower case, the upper-case name first
/// (as docker reads them). A proxy URL may omit its scheme (<c>proxy.corp:3128</c> means http) and may carry
/// <c>user:password@</c>. Requests to loopback hosts (<c>localhost</c>, 127.0.0.0/8, ::1) never use a proxy.
/// </summary>
public sealed class ProxySettings
{
    private ProxySettings(Uri? https, Uri? http, NoProxyList noProxy)
    {
        HttpsProxy = https;
        HttpProxy = http;
        NoProxy = noProxy;
    }

    public static ProxySettings None { get; } = new(null, null, NoProxyList.Empty);

    public Uri? HttpsProxy { get; }

    public Uri? HttpProxy { get; }

    public NoProxyList NoProxy { get; }

    public bool IsEmpty => HttpsProxy is null && HttpProxy is null;

    /// <summary>Reads the proxy variables through <paramref name="environment"/> (a variable's value, or null).</summary>
    public static ProxySettings FromEnvironment(Func<string, string?> environment)
    {
        string? Get(string name) =>
            environment(name) is { Length: > 0 } upper ? upper : environment(name.ToLowerInvariant()) is { Length: > 0 } lower ? lower : null;
        var all = Get("ALL_PROXY");
        var https = Parse("HTTPS_PROXY", Get("HTTPS_PROXY") ?? all);
        var http = Parse("HTTP_PROXY", Get("HTTP_PROXY") ?? all);
        return new ProxySettings(https, http, NoProxyList.Parse(Get("NO_PROXY")));
    }

    /// <summary>Explicit proxies (for tests and embedding).</summary>
    public static ProxySettings Of(Uri? https, Uri? http, string? noProxy = null) => new(https, http, NoProxyList.Parse(noProxy));

    /// <summary>The proxy for a request to <paramref name="target"/>, or null when it goes direct.</summary>
    public Uri? ProxyFor(Uri target)
    {
        var proxy = target.Scheme == Uri.UriSchemeHttps ? HttpsProxy : target.Scheme == Uri.UriSchemeHttp ? HttpProxy : null;
        if (proxy is null) return null;
        if (TransportPolicy.IsLoopbackName(target.IdnHost)) return null;
        return NoProxy.Matches(target.IdnHost, target.Port) ? null : proxy;
    }

    /// <summary>The proxy as <see cref="IWebProxy"/> for the HTTP handler, with the credentials of each proxy URL.</summary>
    public IWebProxy ToWebProxy() => new EnvironmentWebProxy(this);

    private static Uri? Parse(string variable, string? value)
    {
        if (value is null) return null;
        var text = value.Trim();
        if (!text.Contains("://", StringComparison.Ordinal)) text = "http://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new UsageException($"{variable} is not a proxy URL: '{Redact(value)}'");
        if (uri.Scheme is not ("http" or "socks4" or "socks4a" or "socks5"))
            throw new UsageException($"{variable} uses {uri.Scheme}://, which is not supported; use an http:// (or socks5://) proxy URL");
        return uri;
    }

    /// <summary>A proxy URL without its password, for messages.</summary>
    public static string Redact(string url)
    {
        var at = url.LastIndexOf('@');
        if (at < 0) return url;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        return start <= at ? url[..start] + "…@" + url[(at + 1)..] : url;
    }

    private sealed class EnvironmentWebProxy(ProxySettings settings) : IWebProxy, ICredentials
    {
        public ICredentials? Credentials { get => this; set { } }

        public Uri? GetProxy(Uri destination) => settings.ProxyFor(destination) is { } p ? WithoutUserInfo(p) : null;

        public bool IsBypassed(Uri host) => settings.ProxyFor(host) is null;

        public NetworkCredential? GetCredential(Uri uri, string authType)
        {
            foreach (var proxy in new[] { settings.HttpsProxy, settings.HttpProxy })
            {
                if (proxy is null || proxy.UserInfo.Length == 0) continue;
                if (!string.Equals(proxy.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase) || proxy.Port != uri.Port) continue;
                var colon = proxy.UserInfo.IndexOf(':');
                var user = Uri.UnescapeDataString(colon < 0 ? proxy.UserInfo : proxy.UserInfo[..colon]);
                var password = colon < 0 ? "" : Uri.UnescapeDataString(proxy.UserInfo[(colon + 1)..]);
                return new NetworkCredential(user, password);
            }
            return null;
        }

        private static Uri WithoutUserInfo(Uri proxy) =>
            proxy.UserInfo.Length == 0 ? proxy : new UriBuilder(proxy) { UserName = "", Password = "" }.Uri;
    }
}
