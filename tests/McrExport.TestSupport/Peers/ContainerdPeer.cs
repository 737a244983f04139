namespace McrExport.TestSupport;

/// <summary>A private containerd (CRI plugin off) and <c>ctr</c> in the <c>mcrexport</c> namespace.</summary>
public sealed class ContainerdPeer : IAsyncDisposable
{
    public const string Namespace = "mcrexport";

    private readonly TempFolder _folder;
    private readonly DaemonProcess _daemon;
    private readonly string _ctr;

    private ContainerdPeer(TempFolder folder, DaemonProcess daemon, string ctr)
    {
        _folder = folder;
        _daemon = daemon;
        _ctr = ctr;
    }

    public string Socket => _folder.Combine("c.sock");

    public static async Task<ContainerdPeer> StartAsync(string containerd, string ctr, CancellationToken cancellationToken)
    {
        var folder = new TempFolder("mcrct");
        var config = folder.Combine("config.toml");
        await File.WriteAllTextAsync(config, $"""
            version = 2
            root = "{folder.Combine("root")}"
            state = "{folder.Combine("state")}"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            [grpc]
              address = "{folder.Combine("c.sock")}"
            [ttrpc]
              address = "{folder.Combine("c.sock")}.ttrpc"
            [debug]
              address = ""
            [metrics]
              address = ""
            """, cancellationToken);
        var daemon = DaemonProcess.Start("containerd", containerd, ["--config", config], folder.Combine("containerd.log"));
        var peer = new ContainerdPeer(folder, daemon, ctr);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                if (daemon.HasExited) throw new PeerCommandException("containerd did not start\n" + daemon.Tail());
                var version = await peer.RunAsync(["version"], TimeSpan.FromSeconds(20), cancellationToken);
                if (version.Succeeded) return peer;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException("containerd did not answer within 60 s\n" + version.Describe() + daemon.Tail());
                await Task.Delay(300, cancellationToken);
            }
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>ctr</c> against this containerd, in the test namespace.</summary>
    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync(_ctr, ["--address", Socket, "--namespace", Namespace, .. arguments], timeout,
            cancellationToken);

    /// <summary>The <c>ctr</c> command line for this containerd, for a pipe.</summary>
    public (string FileName, IEnumerable<string> Arguments) Command(params string[] arguments) =>
        (_ctr, ["--address", Socket, "--namespace", Namespace, .. arguments]);

    public string Tail() => _daemon.Tail();

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await Mounts.UnmountUnder(_folder.Path);
        _folder.Dispose();
    }
}
