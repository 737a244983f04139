using System.Net;
using System.Net.Sockets;
using McrExport.Errors;

namespace McrExport.Http;

/// <summary>
/// Which hosts may be spoken to, and how. HTTPS is the default; plain HTTP is allowed for a registry on a loopback
/// address and for the hosts the user named with <c>--insecure-registry</c>. Every hop must be http(s) and never
/// downgrades from https to http. Trust follows the registry the user chose: a redirect from a registry that is itself
/// plain http may go to plain http, and one from a registry on a loopback or private address (or named insecure) may
/// go to loopback or private addresses; a public registry redirecting into a private network is refused unless the
/// target is named. Foreign-layer <c>urls</c> come from image content and get no such standing: each hop to plain http
/// or an internal address must be named with <c>--insecure-registry</c>.
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
    public void CheckTarget(Uri target, Uri? from, string? trustedAuthority = null) =>
        CheckHop(target, from, trustedAuthority is null ? RequestOrigin.Content : OriginFor(trustedAuthority, RegistryBaseUri(trustedAuthority).Scheme, null));

    /// <summary>The standing of a registry: plain http or not, internal or not (by name, by connected address, or named insecure).</summary>
    /// <param name="connectedInternal">whether the address last connected to for it was internal, when known.</param>
    public RequestOrigin OriginFor(string authority, string scheme, bool? connectedInternal)
    {
        var uri = new Uri($"{scheme}://{authority}/");
        var internalByName = IsLoopbackName(uri.IdnHost)
                             || (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IsInternal(address));
        return new RequestOrigin(uri.Authority, scheme == Uri.UriSchemeHttp,
            internalByName || connectedInternal == true || IsInsecure(authority));
    }

    /// <summary>Checks one hop of a request chain that started at <paramref name="origin"/>; says what it may connect to.</summary>
    public HopPermission CheckHop(Uri target, Uri? from, RequestOrigin origin)
    {
        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            throw new PolicyException($"refusing {target.Scheme}: URL '{Trim(target.ToString())}' (only http and https are allowed)");
        if (!string.IsNullOrEmpty(target.UserInfo))
            throw new PolicyException($"refusing URL with credentials in it: '{target.Scheme}://…@{target.Authority}'");
        if (from is not null && from.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp)
            throw new PolicyException($"refusing redirect from https to plain http ({from.Authority} → {target.Authority})");
        if (origin.IsOrigin(target)) return new HopPermission(AllowInternalAddresses: origin.Chosen || origin.Internal);

        var named = IsInsecure(target.IdnHost, target.Port);
        if (target.Scheme == Uri.UriSchemeHttp && !named && !(origin.IsRegistry && origin.PlainHttp))
            throw new PolicyException($"refusing plain http to {target.Authority}; name it with --insecure-registry {target.Authority} to allow it");
        var internalAllowed = named || (origin.IsRegistry && origin.Internal);
        if (!internalAllowed && IPAddress.TryParse(target.IdnHost.Trim('[', ']'), out var address) && IsInternal(address))
            throw new PolicyException(origin.IsRegistry
                ? $"refusing redirect from the public registry {origin.Authority} to the internal address {target.Authority}; name it with --insecure-registry {target.Authority} to allow it"
                : $"refusing request to internal address {target.Authority}; name it with --insecure-registry {target.Authority} to allow it");
        if (!internalAllowed && IsLoopbackName(target.IdnHost))
            throw new PolicyException($"refusing request to {target.Authority}; name it with --insecure-registry {target.Authority} to allow it");
        return new HopPermission(internalAllowed);
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
