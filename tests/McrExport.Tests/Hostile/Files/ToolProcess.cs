using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace McrExport.Tests.Hostile.Files;

/// <summary>
/// Runs the tool as a child process (<c>dotnet mcr-export.dll …</c>) under a time limit, polling its peak resident
/// memory (<c>VmHWM</c> in <c>/proc/&lt;pid&gt;/status</c>), and kills it when the limit passes.
/// </summary>
public static class ToolProcess
{
    public sealed record Result(int ExitCode, string Out, string Error, TimeSpan Elapsed, long PeakRssBytes, bool TimedOut, int ProcessId)
    {
        public override string ToString() =>
            $"exit {ExitCode}{(TimedOut ? " (killed at the time limit)" : "")} after {Elapsed.TotalSeconds:F1} s, peak RSS {PeakRssBytes >> 20} MiB; stderr: {Error}";
    }

    public static async Task<Result> RunAsync(IEnumerable<string> args, TimeSpan limit, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "mcr-export.dll");
        Assert.True(File.Exists(tool), $"{tool} is missing");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(tool);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "mcr-export-no-docker-config");
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        long peak = 0;
        var timedOut = false;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, PeakRss(process.Id));
            if (clock.Elapsed > limit)
            {
                timedOut = true;
                try { process.Kill(entireProcessTree: true); }
                catch (InvalidOperationException) { }
                break;
            }
            try { await Task.Delay(20, cancellationToken); }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
        }
        await process.WaitForExitAsync(cancellationToken);
        clock.Stop();
        return new Result(process.ExitCode, await stdout, await stderr, clock.Elapsed, peak, timedOut, process.Id);
    }

    /// <summary>The peak resident set size of a running process, in bytes (0 when it cannot be read).</summary>
    public static long PeakRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>Asserts the exit code, that it finished within the limit and (when given) stayed under a memory bound.</summary>
    public static void AssertBounded(Result result, int exitCode, TimeSpan within, long? maxRssBytes = null)
    {
        Assert.False(result.TimedOut, result.ToString());
        Assert.True(result.Elapsed < within, $"took {result.Elapsed}, more than {within}: {result}");
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}: {result}");
        Assert.DoesNotContain("unexpected error", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        if (maxRssBytes is { } max)
        {
            Assert.True(result.PeakRssBytes > 0, "the peak RSS could not be read");
            Assert.True(result.PeakRssBytes < max, $"peak RSS {result.PeakRssBytes >> 20} MiB, bound {max >> 20} MiB: {result}");
        }
    }
}
