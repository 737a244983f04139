using System.Text;

namespace McrExport.Tests.Network;

/// <summary>
/// Runs the built <c>mcr-export</c> as its own process, with an environment of the test's choosing (proxy variables,
/// HOME, certs.d roots), as a user's shell would start it. Proxy variables of the test runner are cleared.
/// </summary>
public static class ToolProcess
{
    private static readonly string[] Cleared =
    [
        "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy",
        "REGISTRY_AUTH_FILE", "DOCKER_CONFIG", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR",
    ];

    public static string Program => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "mcr-export.exe" : "mcr-export");

    /// <summary>Runs with HOME (and the certs.d roots) in <paramref name="home"/> unless <paramref name="environment"/> says otherwise.</summary>
    public static Task<ProcessResult> RunAsync(IEnumerable<string> arguments, string home, IReadOnlyDictionary<string, string>? environment = null,
        string? stdin = null, CancellationToken cancellationToken = default)
    {
        var env = Cleared.ToDictionary(v => v, _ => "", StringComparer.Ordinal);
        env["HOME"] = home;
        env["MCR_EXPORT_CERTS_D"] = Path.Combine(home, "certs.d");
        env["XDG_CACHE_HOME"] = Path.Combine(home, "cache");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) env[key] = value;
        return ProcessRunner.RunAsync(Program, arguments, TimeSpan.FromMinutes(3), cancellationToken,
            stdin: stdin is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(stdin)), environment: env);
    }
}
