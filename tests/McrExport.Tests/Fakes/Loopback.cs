using System.Net;
using System.Net.Sockets;

namespace McrExport.Tests.Fakes;

/// <summary>The loopback addresses the fakes listen on; nothing else is accepted.</summary>
public static class Loopback
{
    public const string Registry = "127.0.0.1";
    public const string Redirector = "127.0.0.2";
    public const string Cdn = "127.0.0.3";
    public const string Canary = "127.0.0.4";
    public const string TokenServer = "127.0.0.5";

    /// <summary>Parses <paramref name="ip"/> and refuses anything outside 127.0.0.0/8.</summary>
    public static IPAddress Parse(string ip)
    {
        if (!IPAddress.TryParse(ip, out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || address.GetAddressBytes()[0] != 127)
            throw new ArgumentException($"'{ip}' is not an IPv4 loopback address (127.0.0.0/8)", nameof(ip));
        return address;
    }
}
