using System.Diagnostics;

namespace McrExport.Tests.AirGap;

/// <summary>A private dockerd (vfs storage, no networking setup) on a unix socket in a short temp path.</summary>
public sealed class DockerDaemon : IDisposable
{
    private readonly PeerProcess _process;
    private readonly string _root;
    private readonly string _client;

    private DockerDaemon(PeerProcess process, string root, string client)
    {
        _process = process;
        _root = root;
        _client = client;
    }

    public string Socket => Path.Combine(_root, "d.sock");

    public static async Task<DockerDaemon> StartAsync(CancellationToken cancellationToken)
    {
        var daemon = PeerBinary.Require("dockerd", "/usr/sbin/dockerd", "/usr/bin/dockerd");
        var client = PeerBinary.Require("docker", "/usr/bin/docker");
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("MCR_EXPORT_PEERS_OPTIONAL") == "1")
            Xunit.Assert.Skip("dockerd needs root");
        var root = Path.Combine("/tmp", "mx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        var process = PeerProcess.Start(daemon, "--storage-driver", "vfs", "--iptables=false", "--ip6tables=false", "--bridge=none",
            "--data-root", Path.Combine(root, "data"), "--exec-root", Path.Combine(root, "x"), "--pidfile", Path.Combine(root, "pid"),
            "--host", "unix://" + Path.Combine(root, "d.sock"));
        var docker = new DockerDaemon(process, root, client);
        try
        {
            await process.WaitUntilAsync(async () => (await docker.RunAsync(["version"], cancellationToken)).ExitCode == 0,
                TimeSpan.FromSeconds(60), "dockerd", cancellationToken);
            return docker;
        }
        catch
        {
            docker.Dispose();
            throw;
        }
    }

    /// <summary>Runs the docker client against this daemon.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(_client) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-H");
        info.ArgumentList.Add("unix://" + Socket);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await output) + (await error));
    }

    public void Dispose()
    {
        _process.Stop(TimeSpan.FromSeconds(20));
        _process.Dispose();
        var data = Path.Combine(_root, "data");
        if (File.ReadAllLines("/proc/mounts").Any(l => l.Split(' ') is [_, var point, ..] && point == data))
            using (var umount = Process.Start(new ProcessStartInfo("umount", [data]) { UseShellExecute = false })) umount?.WaitForExit(10_000);
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
