using System.Net.Sockets;
using System.Security.Authentication;
using McrExport.Errors;

namespace McrExport.Http;

/// <summary>A connection-level failure that may go away on a retry; becomes a <see cref="NetworkException"/> when retries run out.</summary>
public sealed class TransientNetworkException(Uri uri, string message, Exception? inner = null) : Exception(message, inner)
{
    public Uri Uri { get; } = uri;

    public NetworkException ToFinal(int attempts) =>
        new($"{Message}{(attempts > 1 ? $" (after {attempts} attempts)" : "")}", this)
        {
            Hint = InnerException is HttpRequestException { InnerException: AuthenticationException }
                ? "the TLS handshake failed: check the system certificate store (or SSL_CERT_FILE / SSL_CERT_DIR) and any proxy that intercepts TLS"
                : null,
        };
}

/// <summary>Turns socket, DNS and TLS failures into one line that names the host and what failed.</summary>
public static class NetworkErrors
{
    /// <summary>True when the server ended the TLS handshake with a "bad certificate" or "certificate required" alert.</summary>
    public static bool IsClientCertificateAlert(Exception e, Uri uri)
    {
        if (uri.Scheme != Uri.UriSchemeHttps) return false;
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner.Message.Contains("alert bad certificate", StringComparison.OrdinalIgnoreCase)
                || inner.Message.Contains("certificate required", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    public static string Describe(Exception e, Uri uri)
    {
        var host = uri.Authority;
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case AuthenticationException:
                    return $"TLS handshake with {host} failed: {inner.Message}";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return $"cannot resolve host {uri.IdnHost}";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return $"connection to {host} refused";
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return $"connection to {host} timed out";
                case SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable }:
                    return $"network unreachable for {host}";
                case SocketException { SocketErrorCode: SocketError.ConnectionReset }:
                    return $"connection to {host} was reset";
            }
        }
        var innermost = e;
        while (innermost.InnerException is not null) innermost = innermost.InnerException;
        if (IsClientCertificateAlert(e, uri))
            return $"{host} refused the TLS handshake: it wants a client certificate it trusts ({innermost.Message.Trim()})";
        return innermost == e || innermost.Message.Length == 0
            ? $"request to {host} failed: {e.Message}"
            : $"request to {host} failed: {e.Message} ({innermost.Message.Trim()})";
    }
}
