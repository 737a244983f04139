using System.Net;

namespace McrExport.TestSupport;

/// <summary>A distribution registry (docker-registry 2.x) on 127.0.0.1 with filesystem storage in a temp folder.</summary>
public sealed class RegistryPeer : IAsyncDisposable
{
    private readonly TempFolder _folder;
    private readonly DaemonProcess _daemon;

    private RegistryPeer(TempFolder folder, DaemonProcess daemon, int port)
    {
        _folder = folder;
        _daemon = daemon;
        Port = port;
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, the host part of references into this registry.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    public Uri BaseUri => new($"http://{Authority}/");

    public string Reference(string repository, string tagOrDigest) =>
        tagOrDigest.Contains(':') ? $"{Authority}/{repository}@{tagOrDigest}" : $"{Authority}/{repository}:{tagOrDigest}";

    /// <summary>Starts a fresh, empty registry from the installed docker-registry.</summary>
    public static Task<RegistryPeer> StartAsync(CancellationToken cancellationToken) =>
        StartAsync(PeerPrograms.Registry(), cancellationToken);

    public static async Task<RegistryPeer> StartAsync(string program, CancellationToken cancellationToken)
    {
        var folder = new TempFolder("mcrreg");
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
                    - ^http://127\.0\.0\.2(:[0-9]+)?/
            http:
              addr: 127.0.0.1:{port}
              debug:
                addr: ""
            """, cancellationToken);
        var daemon = DaemonProcess.Start("docker-registry", program, ["serve", config], folder.Combine("registry.log"));
        var registry = new RegistryPeer(folder, daemon, port);
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
