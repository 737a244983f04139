namespace McrExport.TestSupport;

/// <summary>Podman with its own vfs storage in a temp folder; it has no daemon.</summary>
public sealed class PodmanPeer : IAsyncDisposable
{
    private readonly TempFolder _folder;
    private readonly string _podman;

    public PodmanPeer(string podman)
    {
        _podman = podman;
        _folder = new TempFolder("mcrpd");
        Directory.CreateDirectory(_folder.Combine("tmp"));
    }

    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync(_podman,
        [
            "--storage-driver", "vfs", "--root", _folder.Combine("root"), "--runroot", _folder.Combine("run"),
            "--tmpdir", _folder.Combine("tmp"), "--cgroup-manager", "cgroupfs", "--events-backend", "file",
            .. arguments,
        ], timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Mounts.UnmountUnder(_folder.Path);
        _folder.Dispose();
    }
}
