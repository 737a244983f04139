using System.Net;
using System.Net.Sockets;
using McrExport.Errors;

namespace McrExport.Http;

/// <summary>
/// Which hosts may be spoken to, and how. HTTPS is the default; plain HTTP is allowed for a registry on a loopback
/// address and for the hosts the user named with <c>--insecure-registry</c>. Redirect targets and foreign-layer
/// <c>urls</c> must be http(s), never downgrade from https to http, and may point at loopback, private or link-local
/// addresses only when their host was named with <c>--insecure-registry</c>.
/// </summary>
public sealed class TransportPolicy(IEnumerable<string>? insecureHosts = null)
{
    public const int MaxRedirects = 10;

    private readonly HashSet<string> _insecure = new(
        (insecureHosts ?? []).Select(h => h.Trim().ToLowerInvariant()).Where(h => h.Length > 0), StringComparer.Ordinal);

    /// <summary>True when the user named this host (with or without port) as insecure.</summary>
    public bool IsInsecure(string host, int port)
    {
        host = host.ToLowerInvariant();
        return _insecure.Contains(host) || _insecure.Contains($"{host}:{port}") || _insecure.Contains($"[{host}]:{port}");
    }

    /// <summary>True when <paramref name="authority"/> (<c>host[:port]</c>) was named as insecure.</summary>
    public bool IsInsecure(string authority)
    {
        var uri = new Uri("http://" + authority);
        return IsInsecure(uri.IdnHost, uri.Port) || _insecure.Contains(authority.ToLowerInvariant());
    }

    /// <summary>The base URI of a registry's API host: http for loopback and insecure hosts, https otherwise.</summary>
    public Uri RegistryBaseUri(string authority)
    {
        if (!Uri.TryCreate("https://" + authority + "/", UriKind.Absolute, out var https))
            throw new UsageException($"invalid registry host '{authority}'");
        var plain = IsInsecure(authority) || IsLoopbackName(https.IdnHost);
        return plain ? new Uri("http://" + authority + "/") : https;
    }

    /// <summary>Checks a URL taken from a manifest's <c>urls</c> (untrusted input).</summary>
    public Uri CheckForeignUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new PolicyException($"foreign layer URL '{Trim(url)}' is not an absolute URL");
        CheckTarget(uri, from: null);
        return uri;
    }

    /// <summary>Checks a hop of a request: scheme, downgrade, and address class.</summary>
    /// <param name="from">the URL that redirected here, or null for the first hop.</param>
    /// <param name="trustedAuthority">the registry's own authority, which the user chose and is always allowed.</param>
    public void CheckTarget(Uri target, Uri? from, string? trustedAuthority = null)
    {
        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            throw new PolicyException($"refusing {target.Scheme}: URL '{Trim(target.ToString())}' (only http and https are allowed)");
        if (!string.IsNullOrEmpty(target.UserInfo))
            throw new PolicyException($"refusing URL with credentials in it: '{target.Scheme}://…@{target.Authority}'");
        if (trustedAuthority is not null && string.Equals(target.Authority, trustedAuthority, StringComparison.OrdinalIgnoreCase))
        {
            if (from is not null && from.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp)
                throw new PolicyException($"refusing redirect from https to plain http ({from.Authority} → {target.Authority})");
            return;
        }
        var insecure = IsInsecure(target.IdnHost, target.Port);
        if (from is not null && from.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp)
            throw new PolicyException($"refusing redirect from https to plain http ({from.Authority} → {target.Authority})");
        if (target.Scheme == Uri.UriSchemeHttp && !insecure)
            throw new PolicyException($"refusing plain http to {target.Authority}; name it with --insecure-registry {target.Authority} to allow it");
        if (!insecure && IPAddress.TryParse(target.IdnHost.Trim('[', ']'), out var address) && IsInternal(address))
            throw new PolicyException($"refusing request to internal address {target.Authority}; name it with --insecure-registry {target.Authority} to allow it");
        if (!insecure && IsLoopbackName(target.IdnHost))
            throw new PolicyException($"refusing request to {target.Authority}; name it with --insecure-registry {target.Authority} to allow it");
    }

    /// <summary>Checks the addresses a host name resolved to (for hosts that were not named as insecure).</summary>
    public void CheckResolved(string host, int port, IReadOnlyList<IPAddress> addresses, bool trusted)
    {
        if (trusted || IsInsecure(host, port)) return;
        var bad = addresses.FirstOrDefault(IsInternal);
        if (bad is not null)
            throw new PolicyException($"refusing {host}: it resolves to the internal address {bad}; name it with --insecure-registry {host}:{port} to allow it");
    }

    public static bool IsLoopbackName(string host)
    {
        host = host.Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Loopback, private (RFC 1918, ULA), link-local, unspecified, or CGNAT.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] == 0;
    }

    private static string Trim(string s) => s.Length > 120 ? s[..120] + "…" : s;
}
