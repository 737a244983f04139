using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McrExport.Tests.AirGap;

/// <summary>A started peer process with its output captured; disposing kills it (and its children).</summary>
public sealed class PeerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PeerProcess(Process process) => _process = process;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public static PeerProcess Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info };
        var peer = new PeerProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (peer._output) peer._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (peer._output) peer._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="ready"/> until it holds, the process exits or the time runs out.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{what} exited with {_process.ExitCode}: {Output}");
            try { if (await ready()) return; }
            catch (Exception e) when (e is HttpRequestException or IOException or SocketException or TaskCanceledException) { }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"{what} was not ready after {timeout.TotalSeconds}s: {Output}");
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits for it, so it can undo its mounts; kills it after the wait.</summary>
    public void Stop(TimeSpan grace)
    {
        try
        {
            if (_process.HasExited) return;
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
                   { UseShellExecute = false }))
                kill?.WaitForExit(5_000);
            _process.WaitForExit(grace);
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
