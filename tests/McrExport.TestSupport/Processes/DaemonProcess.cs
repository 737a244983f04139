using System.Diagnostics;

namespace McrExport.TestSupport;

/// <summary>A long-running peer process whose output goes to a log file; stopped by its own pid.</summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private static readonly HashSet<DaemonProcess> Running = [];

    static DaemonProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            List<DaemonProcess> left;
            lock (Running) left = [.. Running];
            foreach (var daemon in left) daemon.KillNow();
        };
    }

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pumps;

    private DaemonProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath) { AutoFlush = true };
        _pumps = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
        lock (Running) Running.Add(this);
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static DaemonProcess Start(string name, string fileName, IEnumerable<string> arguments, string logPath,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        return new DaemonProcess(name, process, logPath);
    }

    /// <summary>The end of the log, for failure messages.</summary>
    public string Tail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var all = new StreamReader(stream).ReadToEnd().Split('\n');
            var state = HasExited ? $"{Name} exited with {_process.ExitCode}" : $"{Name} is running (pid {Pid})";
            return $"{state}; last lines of {LogPath}:\n" + string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e) { return $"{Name}: log unreadable: {e.Message}"; }
    }

    /// <summary>Kills the process tree at once; for a test host that is going away without disposing.</summary>
    public void KillNow()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    /// <summary>Asks the process to stop (SIGTERM), then kills it and its children after a grace period.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (Running) Running.Remove(this);
        if (!_process.HasExited)
        {
            try { Process.Start("kill", ["-TERM", Pid.ToString()])?.WaitForExit(5000); }
            catch (System.ComponentModel.Win32Exception) { }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await _process.WaitForExitAsync(grace.Token); }
            catch (OperationCanceledException) { }
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        try { await _pumps.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (TimeoutException) { }
        await _log.DisposeAsync();
        _process.Dispose();
    }

    private async Task Pump(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
            lock (_log) _log.WriteLine(line);
    }
}
