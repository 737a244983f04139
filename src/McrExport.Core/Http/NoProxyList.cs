using System.Net;
using System.Net.Sockets;

namespace McrExport.Http;

/// <summary>
/// <c>NO_PROXY</c> as curl and docker read it: comma- or space-separated entries; <c>*</c> alone bypasses the proxy
/// for every host; a domain (<c>corp.example</c>, <c>.corp.example</c> or <c>*.corp.example</c>) matches itself and
/// every subdomain; an IP address or CIDR block (<c>10.0.0.0/8</c>) matches IP-literal hosts in it; any entry may
/// carry a port (<c>registry.corp:5000</c>, <c>[::1]:80</c>), and then matches only that port.
/// </summary>
public sealed class NoProxyList
{
    private readonly List<Entry> _entries = [];

    private NoProxyList(bool all) => MatchesAll = all;

    public static NoProxyList Empty { get; } = new(false);

    /// <summary>True when <c>NO_PROXY=*</c>.</summary>
    public bool MatchesAll { get; }

    public static NoProxyList Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Empty;
        var parts = value.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Contains("*")) return new NoProxyList(true);
        var list = new NoProxyList(false);
        foreach (var part in parts)
            if (Entry.TryParse(part.ToLowerInvariant(), out var entry)) list._entries.Add(entry);
        return list;
    }

    /// <summary>True when requests to <paramref name="host"/>:<paramref name="port"/> go direct.</summary>
    public bool Matches(string host, int port)
    {
        if (MatchesAll) return true;
        host = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        IPAddress? address = IPAddress.TryParse(host, out var a) ? a : null;
        return _entries.Any(e => e.Matches(host, address, port));
    }

    private sealed record Entry(string? Domain, IPAddress? Network, int PrefixLength, int? Port)
    {
        public static bool TryParse(string text, out Entry entry)
        {
            entry = null!;
            int? port = null;
            var host = text;
            if (host.StartsWith('['))
            {
                var close = host.IndexOf(']');
                if (close < 0) return false;
                var rest = host[(close + 1)..];
                host = host[1..close];
                if (rest.StartsWith(':') && int.TryParse(rest[1..], out var p6)) port = p6;
            }
            else if (host.Count(c => c == ':') == 1)
            {
                var colon = host.IndexOf(':');
                if (!int.TryParse(host[(colon + 1)..], out var p)) return false;
                port = p;
                host = host[..colon];
            }
            var slash = host.IndexOf('/');
            if (slash > 0 && IPAddress.TryParse(host[..slash], out var network) && int.TryParse(host[(slash + 1)..], out var bits)
                && bits >= 0 && bits <= (network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
            {
                entry = new Entry(null, network, bits, port);
                return true;
            }
            if (IPAddress.TryParse(host, out var ip))
            {
                entry = new Entry(null, ip, ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128, port);
                return true;
            }
            var domain = host.TrimStart('*').TrimStart('.').TrimEnd('.');
            if (domain.Length == 0) return false;
            entry = new Entry(domain, null, 0, port);
            return true;
        }

        public bool Matches(string host, IPAddress? address, int port)
        {
            if (Port is { } p && p != port) return false;
            if (Domain is not null)
                return host == Domain || host.EndsWith("." + Domain, StringComparison.Ordinal);
            return address is not null && InNetwork(address, Network!, PrefixLength);
        }

        private static bool InNetwork(IPAddress address, IPAddress network, int prefix)
        {
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            if (network.IsIPv4MappedToIPv6) network = network.MapToIPv4();
            if (address.AddressFamily != network.AddressFamily) return false;
            var a = address.GetAddressBytes();
            var n = network.GetAddressBytes();
            for (var i = 0; i < a.Length && prefix > 0; i++, prefix -= 8)
            {
                var mask = prefix >= 8 ? 0xFF : (byte)(0xFF << (8 - prefix));
                if ((a[i] & mask) != (n[i] & mask)) return false;
            }
            return true;
        }
    }
}
