using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McrExport.Tests.Fakes;

/// <summary>
/// A forward HTTP proxy on a loopback address, in-process: absolute-URI requests (<c>GET http://host:port/path</c>)
/// and <c>CONNECT host:port</c> tunnels. It alone knows the <c>*.corp.test</c> names (each mapped to a loopback
/// address; the port is kept), as a corporate proxy knows outside names the client machine cannot resolve. Other hosts
/// must be 127.0.0.0/8 literals. It records every request (target host, whether it carried an Authorization header),
/// can require Basic proxy credentials (407 otherwise), and forwards each request on its own upstream connection.
/// </summary>
public sealed class ForwardProxy : IAsyncDisposable
{
    public const string Domain = "corp.test";

    private readonly TcpListener _listener;
    private readonly ConcurrentDictionary<string, IPAddress> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<ProxiedRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    private ForwardProxy(TcpListener listener)
    {
        _listener = listener;
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Starts a proxy on <paramref name="ip"/> (127.0.0.0/8) and an ephemeral port.</summary>
    public static ForwardProxy Start(string ip = "127.0.0.6")
    {
        var listener = new TcpListener(Loopback.Parse(ip), 0);
        listener.Start();
        return new ForwardProxy(listener);
    }

    /// <summary><c>http://ip:port</c>, the value for HTTPS_PROXY / HTTP_PROXY.</summary>
    public Uri Url => new($"http://{((IPEndPoint)_listener.LocalEndpoint).Address}:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>When set, requests without these Basic proxy credentials get 407.</summary>
    public (string User, string Password)? RequiredCredentials { get; set; }

    public IReadOnlyList<ProxiedRequest> Requests => _requests.ToArray();

    /// <summary>Makes <c>&lt;label&gt;.corp.test</c> resolve (for this proxy only) to <paramref name="ip"/>; returns the name.</summary>
    public string AddName(string label, string ip)
    {
        var name = $"{label}.{Domain}";
        _names[name] = Loopback.Parse(ip);
        return name;
    }

    /// <summary>The <c>name:port</c> for a loopback listener, after <see cref="AddName"/>.</summary>
    public string NameFor(string label, string ip, int port) => $"{AddName(label, ip)}:{port}";

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stopping.Token); }
            catch (Exception) when (_stopping.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var _ = client;
        var token = _stopping.Token;
        try
        {
            var downstream = client.GetStream();
            var (head, leftover) = await ReadHeadAsync(downstream, token);
            if (head is null) return;
            var lines = head.Split("\r\n");
            var parts = lines[0].Split(' ');
            if (parts.Length != 3) { await RespondAsync(downstream, "400 Bad Request", token); return; }
            var (method, target) = (parts[0], parts[1]);
            var headers = lines.Skip(1).Where(l => l.Contains(':'))
                .Select(l => (Name: l[..l.IndexOf(':')].Trim(), Value: l[(l.IndexOf(':') + 1)..].Trim())).ToList();
            string? Header(string name) => headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

            string host;
            int port;
            if (method == "CONNECT")
            {
                var colon = target.LastIndexOf(':');
                host = target[..colon];
                port = int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                if (!Uri.TryCreate(target, UriKind.Absolute, out var uri)) { await RespondAsync(downstream, "400 Bad Request", token); return; }
                host = uri.IdnHost;
                port = uri.Port;
            }
            var authorized = RequiredCredentials is not { } required
                             || Header("Proxy-Authorization") == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{required.User}:{required.Password}"));
            _requests.Enqueue(new ProxiedRequest(method, host, port, method == "CONNECT" ? null : new Uri(target).PathAndQuery,
                Header("Authorization"), authorized));
            if (!authorized)
            {
                await RespondAsync(downstream, "407 Proxy Authentication Required", token, "Proxy-Authenticate: Basic realm=\"corp\"\r\n");
                return;
            }
            if (!Resolve(host, out var address)) { await RespondAsync(downstream, "502 Bad Gateway", token); return; }

            using var upstream = new TcpClient();
            try { await upstream.ConnectAsync(address, port, token); }
            catch (SocketException) { await RespondAsync(downstream, "502 Bad Gateway", token); return; }
            var upstreamStream = upstream.GetStream();

            if (method == "CONNECT")
            {
                await downstream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection established\r\n\r\n"), token);
                if (leftover.Length > 0) await upstreamStream.WriteAsync(leftover, token);
                var up = downstream.CopyToAsync(upstreamStream, token);
                var down = upstreamStream.CopyToAsync(downstream, token);
                await Task.WhenAny(up, down);
                return;
            }

            var requestUri = new Uri(target);
            var rewritten = new StringBuilder($"{method} {requestUri.PathAndQuery} HTTP/1.1\r\n");
            foreach (var (name, value) in headers)
            {
                if (name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Proxy-Connection", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)) continue;
                rewritten.Append(name).Append(": ").Append(value).Append("\r\n");
            }
            rewritten.Append("Connection: close\r\n\r\n");
            await upstreamStream.WriteAsync(Encoding.ASCII.GetBytes(rewritten.ToString()), token);
            var length = long.TryParse(Header("Content-Length"), out var l) ? l : 0;
            if (leftover.Length > 0) await upstreamStream.WriteAsync(leftover, token);
            var remaining = length - leftover.Length;
            var buffer = new byte[64 * 1024];
            while (remaining > 0)
            {
                var read = await downstream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), token);
                if (read == 0) break;
                await upstreamStream.WriteAsync(buffer.AsMemory(0, read), token);
                remaining -= read;
            }
            await upstreamStream.CopyToAsync(downstream, token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private bool Resolve(string host, out IPAddress address)
    {
        if (_names.TryGetValue(host, out address!)) return true;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal) && literal.AddressFamily == AddressFamily.InterNetwork
            && literal.GetAddressBytes()[0] == 127)
        {
            address = literal;
            return true;
        }
        return false;
    }

    private static async Task<(string? Head, byte[] Leftover)> ReadHeadAsync(NetworkStream stream, CancellationToken token)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        while (buffer.Length < 64 * 1024)
        {
            var read = await stream.ReadAsync(chunk, token);
            if (read == 0) return (null, []);
            buffer.Write(chunk, 0, read);
            var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            var end = bytes.IndexOf("\r\n\r\n"u8);
            if (end >= 0) return (Encoding.ASCII.GetString(bytes[..end]), bytes[(end + 4)..].ToArray());
        }
        return (null, []);
    }

    private static Task RespondAsync(NetworkStream stream, string status, CancellationToken token, string extraHeaders = "") =>
        stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\n{extraHeaders}Content-Length: 0\r\nConnection: close\r\n\r\n"), token).AsTask();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try { await _accepting; }
        catch (Exception) { }
        _stopping.Dispose();
    }
}

/// <summary>One request a <see cref="ForwardProxy"/> saw: <c>CONNECT</c> or an absolute-URI request.</summary>
/// <param name="Authorization">the request's own Authorization header (null for CONNECT, whose requests are encrypted).</param>
public sealed record ProxiedRequest(string Method, string Host, int Port, string? PathAndQuery, string? Authorization, bool ProxyAuthorized);
