namespace McrExport.Tests.AirGap;

/// <summary>The CNCF distribution registry (<c>docker-registry serve</c>) on 127.0.0.1 and a free port, storing in a temp folder.</summary>
public sealed class DistributionRegistry : IDisposable
{
    private readonly PeerProcess _process;
    private readonly string _root;

    private DistributionRegistry(PeerProcess process, string root, int port)
    {
        _process = process;
        _root = root;
        Authority = $"127.0.0.1:{port}";
    }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Authority { get; }

    public Uri BaseUri => new($"http://{Authority}/");

    public string Log => _process.Output;

    public static async Task<DistributionRegistry> StartAsync(CancellationToken cancellationToken)
    {
        var binary = PeerBinary.Require("docker-registry", "/usr/bin/docker-registry", "/usr/local/bin/docker-registry", "/usr/local/bin/registry");
        var root = Path.Combine(Path.GetTempPath(), "mcr-export-tests", "registry-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var port = PeerProcess.FreePort();
        var config = Path.Combine(root, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: {root}/data
            http:
              addr: 127.0.0.1:{port}
            validation:
              manifests:
                urls:
                  allow:
                    - ^http://127\.
            """, cancellationToken);
        var process = PeerProcess.Start(binary, "serve", config);
        var registry = new DistributionRegistry(process, root, port);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await process.WaitUntilAsync(async () => (await http.GetAsync(new Uri(registry.BaseUri, "v2/"), cancellationToken)).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), "docker-registry", cancellationToken);
            return registry;
        }
        catch
        {
            registry.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _process.Dispose();
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
