using System.Diagnostics;

namespace McrExport.Tests.Cli;

/// <summary>
/// A real terminal for the tool: a detached tmux session on a tmux server of its own (its own socket), whose
/// screen is read with <c>capture-pane</c>. The server is ended at dispose.
/// </summary>
public sealed class TmuxTerminal : IAsyncDisposable
{
    private readonly string _socket = $"mcr-export-test-{Guid.NewGuid():N}"[..28];

    private TmuxTerminal() { }

    /// <summary>Starts <paramref name="args"/> of the built tool in a 200×60 terminal; the shell prints EXIT=code at the end.</summary>
    public static async Task<TmuxTerminal> StartAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var terminal = new TmuxTerminal();
        var command = string.Join(' ', new[] { BuiltTool.Dotnet, BuiltTool.Assembly }.Concat(args).Select(BuiltTool.ShellQuote));
        var started = await terminal.TmuxAsync(ct, "new-session", "-d", "-s", "t", "-x", "200", "-y", "60",
            $"{command}; echo EXIT=$?; sleep 600");
        if (started.ExitCode != 0) throw new InvalidOperationException($"tmux did not start: {started.Describe()}");
        return terminal;
    }

    /// <summary>The screen and its scroll-back, as text.</summary>
    public async Task<string> CaptureAsync(CancellationToken ct) =>
        (await TmuxAsync(ct, "capture-pane", "-p", "-J", "-S", "-500", "-t", "t")).StdOut;

    /// <summary>Captures until <paramref name="until"/> holds (or the time runs out), returning the last capture.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> until, TimeSpan limit, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var screen = await CaptureAsync(ct);
            if (until(screen) || clock.Elapsed > limit) return screen;
            await Task.Delay(100, ct);
        }
    }

    private Task<ProcessResult> TmuxAsync(CancellationToken ct, params string[] args) =>
        ProcessRunner.RunAsync("tmux", ["-L", _socket, .. args], TimeSpan.FromSeconds(30), ct,
            environment: new Dictionary<string, string> { ["TERM"] = "xterm-256color" });

    public async ValueTask DisposeAsync() => await TmuxAsync(CancellationToken.None, "kill-server");
}
