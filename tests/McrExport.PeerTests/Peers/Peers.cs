namespace McrExport.PeerTests.Peers;

/// <summary>
/// The peers of one test run. Each daemon starts the first time a test asks for it and stops when the run ends;
/// a missing program skips or fails only the tests that need it (see <see cref="PeerRequirement"/>).
/// </summary>
public sealed class Peers : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<IAsyncDisposable> _started = [];
    private readonly Dictionary<string, Task<object>> _starts = [];

    /// <summary>The registry holding the test images.</summary>
    public Task<RegistryPeer> RegistryAsync() =>
        Once("registry", () => RegistryPeer.StartAsync(PeerPrograms.Registry(), CancellationToken.None));

    /// <summary>A second, empty registry for round trips.</summary>
    public Task<RegistryPeer> SecondRegistryAsync() =>
        Once("registry2", () => RegistryPeer.StartAsync(PeerPrograms.Registry(), CancellationToken.None));

    public Task<ForeignLayerServer> ForeignServerAsync() =>
        Once("foreign", () => ForeignLayerServer.StartAsync(CancellationToken.None));

    /// <summary>The test images, pushed into <see cref="RegistryAsync"/>.</summary>
    public async Task<PublishedImages> ImagesAsync()
    {
        var skopeo = PeerPrograms.Skopeo();
        var registry = await RegistryAsync();
        var foreign = await ForeignServerAsync();
        return await Once("images", async () =>
            await PublishedImages.PublishAsync(registry, foreign, skopeo, CancellationToken.None));
    }

    public Task<DockerPeer> DockerAsync()
    {
        var dockerd = PeerPrograms.Dockerd();
        var client = PeerPrograms.DockerClient();
        return Once("docker", () => DockerPeer.StartAsync(dockerd, client, CancellationToken.None));
    }

    public Task<ContainerdPeer> ContainerdAsync()
    {
        var containerd = PeerPrograms.Containerd();
        var ctr = PeerPrograms.Ctr();
        return Once("containerd", () => ContainerdPeer.StartAsync(containerd, ctr, CancellationToken.None));
    }

    public Task<PodmanPeer> PodmanAsync()
    {
        var podman = PeerPrograms.Podman();
        return Once("podman", () => Task.FromResult(new PodmanPeer(podman)));
    }

    private async Task<T> Once<T>(string name, Func<Task<T>> start)
    {
        PeerRequirement.RequireLinux();
        Task<object> task;
        await _gate.WaitAsync();
        try
        {
            if (!_starts.TryGetValue(name, out task!))
            {
                task = StartAndTrack(start);
                _starts[name] = task;
            }
        }
        finally { _gate.Release(); }
        return (T)await task;
    }

    private async Task<object> StartAndTrack<T>(Func<Task<T>> start)
    {
        var peer = await start();
        if (peer is IAsyncDisposable disposable)
            lock (_started) _started.Add(disposable);
        return peer!;
    }

    /// <summary>Stops every started peer, newest first, and removes their folders.</summary>
    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> started;
        lock (_started) started = [.. _started];
        started.Reverse();
        foreach (var peer in started)
        {
            try { await peer.DisposeAsync(); }
            catch (Exception e) { Console.Error.WriteLine($"stopping {peer.GetType().Name}: {e.Message}"); }
        }
        _gate.Dispose();
    }
}
