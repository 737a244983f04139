using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using McrExport.Errors;

namespace McrExport.Http;

/// <summary>
/// Opens the TCP connections of the HTTP handler (its <c>ConnectCallback</c>): resolves the host once, checks every
/// address against the policy, and connects only to an address that passed, so there is no second lookup for a
/// DNS-rebinding answer to slip through. A connection to a proxy is the user's choice and is not restricted; the
/// proxy resolves the target's name, never this process.
/// </summary>
public sealed class GuardedConnector(TransportPolicy policy, ProxySettings proxy, bool allowInternal,
    ConcurrentDictionary<string, bool> connectedInternal)
{
    internal async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var target = context.InitialRequestMessage.RequestUri;
        var viaProxy = target is not null && proxy.ProxyFor(target) is { } p
                       && string.Equals(p.IdnHost, endpoint.Host, StringComparison.OrdinalIgnoreCase) && p.Port == endpoint.Port;

        var host = endpoint.Host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal)) addresses = [literal];
        else addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);

        var allowed = Allowed(host, endpoint.Port, addresses, viaProxy || allowInternal || policy.IsInsecure(host, endpoint.Port));

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
                if (!viaProxy) connectedInternal[$"{endpoint.Host}:{endpoint.Port}"] = TransportPolicy.IsInternal(address);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    /// <summary>The addresses of <paramref name="host"/> a connection may go to; throws when none may.</summary>
    /// <param name="unrestricted">internal addresses are allowed (a proxy, a host named insecure, a registry's standing).</param>
    public static IPAddress[] Allowed(string host, int port, IReadOnlyList<IPAddress> addresses, bool unrestricted)
    {
        var allowed = unrestricted ? addresses.ToArray() : addresses.Where(a => !TransportPolicy.IsInternal(a)).ToArray();
        if (allowed.Length == 0)
            throw new PolicyException($"refusing {host}: it resolves to the internal address {addresses[0]}; name it with --insecure-registry {host}:{port} to allow it");
        return allowed;
    }
}
