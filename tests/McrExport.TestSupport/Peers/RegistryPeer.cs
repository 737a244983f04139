using System.Net;

namespace McrExport.TestSupport;

/// <summary>A distribution registry (docker-registry 2.x) on 127.0.0.1 with filesystem storage in a temp folder.</summary>
public sealed class RegistryPeer : IAsyncDisposable
{
    private readonly TempFolder _folder;
    private readonly DaemonProcess _daemon;

    private RegistryPeer(TempFolder folder, DaemonProcess daemon, int port, bool tls)
    {
        _folder = folder;
        _daemon = daemon;
        Port = port;
        Tls = tls;
    }

    public int Port { get; }

    /// <summary>True when the registry serves https (see <see cref="RegistryPeerOptions.TlsCertificateFile"/>).</summary>
    public bool Tls { get; }

    /// <summary><c>127.0.0.1:port</c>, the host part of references into this registry.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    public Uri BaseUri => new($"{(Tls ? "https" : "http")}://{Authority}/");

    public string Reference(string repository, string tagOrDigest) =>
        tagOrDigest.Contains(':') ? $"{Authority}/{repository}@{tagOrDigest}" : $"{Authority}/{repository}:{tagOrDigest}";

    /// <summary>Starts a fresh, empty registry from the installed docker-registry.</summary>
    public static Task<RegistryPeer> StartAsync(CancellationToken cancellationToken) =>
        StartAsync(PeerPrograms.Registry(), cancellationToken);

    public static Task<RegistryPeer> StartAsync(string program, CancellationToken cancellationToken) =>
        StartAsync(program, new RegistryPeerOptions(), cancellationToken);

    /// <summary>Starts a registry with TLS, client certificates or extra foreign-URL patterns.</summary>
    public static Task<RegistryPeer> StartAsync(RegistryPeerOptions options, CancellationToken cancellationToken) =>
        StartAsync(PeerPrograms.Registry(), options, cancellationToken);

    public static async Task<RegistryPeer> StartAsync(string program, RegistryPeerOptions options, CancellationToken cancellationToken)
    {
        var folder = new TempFolder("mcrreg");
        var urls = string.Concat(options.AllowedForeignUrls.Select(u => $"\n        - {u}"));
        var tls = options.TlsCertificateFile is null ? "" : $"""

              tls:
                certificate: {options.TlsCertificateFile}
                key: {options.TlsKeyFile}
            """ + (options.ClientCaFiles.Count == 0 ? "" : "\n    clientcas:" + string.Concat(options.ClientCaFiles.Select(f => $"\n      - {f}")));
        var port = FreePort.On(IPAddress.Loopback);
        var config = folder.Combine("config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {folder.Combine("storage")}
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            validation:
              manifests:
                urls:
                  allow:
                    - ^http://127\.0\.0\.2(:[0-9]+)?/{urls}
            http:
              addr: 127.0.0.1:{port}
              debug:
                addr: ""{tls}
            """, cancellationToken);
        var daemon = DaemonProcess.Start("docker-registry", program, ["serve", config], folder.Combine("registry.log"));
        var registry = new RegistryPeer(folder, daemon, port, options.TlsCertificateFile is not null);
        try
        {
            await FreePort.WaitListeningAsync(IPAddress.Loopback, port, TimeSpan.FromSeconds(60), () => daemon.Tail(),
                cancellationToken);
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
        return registry;
    }

    public string Tail() => _daemon.Tail();

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>How a <see cref="RegistryPeer"/> is configured beyond the defaults.</summary>
public sealed record RegistryPeerOptions
{
    /// <summary>PEM certificate for <c>http.tls.certificate</c>; null serves plain http.</summary>
    public string? TlsCertificateFile { get; init; }

    public string? TlsKeyFile { get; init; }

    /// <summary>CA files for <c>http.tls.clientcas</c>: the registry then requires a client certificate they signed.</summary>
    public IReadOnlyList<string> ClientCaFiles { get; init; } = [];

    /// <summary>More regular expressions for <c>validation.manifests.urls.allow</c>.</summary>
    public IReadOnlyList<string> AllowedForeignUrls { get; init; } = [];
}
