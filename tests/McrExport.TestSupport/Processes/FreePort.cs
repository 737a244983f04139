using System.Net;
using System.Net.Sockets;

namespace McrExport.TestSupport;

/// <summary>Finds a TCP port nobody listens on, on a loopback address.</summary>
public static class FreePort
{
    public static int On(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts connections on the port.</summary>
    public static async Task WaitListeningAsync(IPAddress address, int port, TimeSpan timeout, Func<string> diagnostics,
        CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(address, port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (SocketException)
            {
                throw new TimeoutException($"nothing listened on {address}:{port} within {timeout}\n{diagnostics()}");
            }
        }
    }
}
