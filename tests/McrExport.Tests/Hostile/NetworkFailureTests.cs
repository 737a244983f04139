using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using McrExport.Cli;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>No network, DNS and TLS failures: one line naming the host and what failed, exit 5.</summary>
public sealed class NetworkFailureTests
{
    private static int ClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task Connection_refused_is_one_line_naming_the_host_with_exit_5()
    {
        var ct = TestContext.Current.CancellationToken;
        var authority = $"127.0.0.1:{ClosedLoopbackPort()}";
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync([$"{authority}/a/b:1", "-o", temp.Combine("x.tar"), "--retries", "0"], cancellationToken: ct);

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var error = Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains($"connection to {authority} refused", error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Connection_refused_is_retried_then_reported_with_the_attempts()
    {
        var ct = TestContext.Current.CancellationToken;
        var authority = $"127.0.0.1:{ClosedLoopbackPort()}";

        var result = await CliRunner.RunAsync(["tags", $"{authority}/a/b", "--retries", "1"], cancellationToken: ct);

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        Assert.Contains("after 2 attempts", result.Error);
    }

    [Theory]
    [InlineData(SocketError.HostNotFound, "cannot resolve host registry.invalid")]
    [InlineData(SocketError.TryAgain, "cannot resolve host registry.invalid")]
    [InlineData(SocketError.ConnectionRefused, "connection to registry.invalid:5000 refused")]
    [InlineData(SocketError.TimedOut, "connection to registry.invalid:5000 timed out")]
    [InlineData(SocketError.NetworkUnreachable, "network unreachable for registry.invalid:5000")]
    [InlineData(SocketError.ConnectionReset, "connection to registry.invalid:5000 was reset")]
    public void Socket_failures_name_the_host_and_what_failed(SocketError code, string expected)
    {
        var uri = new Uri("https://registry.invalid:5000/v2/");
        var failure = new HttpRequestException("failed", new SocketException((int)code));

        var final = new TransientNetworkException(uri, NetworkErrors.Describe(failure, uri), failure).ToFinal(1);

        Assert.Equal(expected, final.Message);
        Assert.Equal(ExitCodes.Network, final.ExitCode);
        Assert.Null(final.Hint);
    }

    [Fact]
    public void A_tls_failure_names_the_host_and_hints_at_the_certificate_store()
    {
        var uri = new Uri("https://registry.invalid/v2/");
        var failure = new HttpRequestException("The SSL connection could not be established", new AuthenticationException("The remote certificate is invalid"));

        var final = new TransientNetworkException(uri, NetworkErrors.Describe(failure, uri), failure).ToFinal(3);
        var error = new StringWriter();
        var code = CliApp.Report(final, error);

        Assert.Equal(ExitCodes.Network, code);
        Assert.Contains("TLS handshake with registry.invalid failed", final.Message);
        Assert.Contains("after 3 attempts", final.Message);
        Assert.Contains("SSL_CERT_FILE", final.Hint);
        Assert.Contains("certificate store", final.Hint);
        Assert.Equal(2, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("hint: ", error.ToString());
    }
}
