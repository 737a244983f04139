namespace McrExport.TestSupport;

/// <summary>A private dockerd (vfs storage, no networking) and the client that speaks to its socket.</summary>
public sealed class DockerPeer : IAsyncDisposable
{
    private readonly TempFolder _folder;
    private readonly DaemonProcess _daemon;
    private readonly string _client;

    private DockerPeer(TempFolder folder, DaemonProcess daemon, string client)
    {
        _folder = folder;
        _daemon = daemon;
        _client = client;
    }

    public string Socket => _folder.Combine("d.sock");

    public string ServerVersion { get; private set; } = "";

    /// <summary>Starts a daemon from the installed dockerd and docker client.</summary>
    public static Task<DockerPeer> StartAsync(CancellationToken cancellationToken) =>
        StartAsync(PeerPrograms.Dockerd(), PeerPrograms.DockerClient(), cancellationToken);

    public static async Task<DockerPeer> StartAsync(string dockerd, string client, CancellationToken cancellationToken)
    {
        var folder = new TempFolder("mcrdk");
        var daemon = DaemonProcess.Start("dockerd", dockerd,
        [
            "--storage-driver", "vfs", "--iptables=false", "--ip6tables=false", "--bridge=none",
            "--data-root", folder.Combine("data"), "--exec-root", folder.Combine("x"),
            "--pidfile", folder.Combine("pid"), "--host", "unix://" + folder.Combine("d.sock"),
        ], folder.Combine("dockerd.log"));
        var peer = new DockerPeer(folder, daemon, client);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (true)
            {
                if (daemon.HasExited) throw new PeerCommandException("dockerd did not start\n" + daemon.Tail());
                var info = await peer.RunAsync(["version", "--format", "{{.Server.Version}}"],
                    TimeSpan.FromSeconds(30), cancellationToken);
                if (info.Succeeded)
                {
                    peer.ServerVersion = info.StdOut.Trim();
                    return peer;
                }
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException("dockerd did not answer within 120 s\n" + info.Describe() + daemon.Tail());
                await Task.Delay(500, cancellationToken);
            }
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the docker client against this daemon.</summary>
    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync(_client, ["-H", "unix://" + Socket, .. arguments], timeout, cancellationToken);

    public (string FileName, IEnumerable<string> Arguments) Command(params string[] arguments) =>
        (_client, ["-H", "unix://" + Socket, .. arguments]);

    public string Tail() => _daemon.Tail();

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await Mounts.UnmountUnder(_folder.Path);
        _folder.Dispose();
    }
}
