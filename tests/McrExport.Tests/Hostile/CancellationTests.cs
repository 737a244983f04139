using System.Diagnostics;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>
/// Ctrl-C and SIGTERM, sent to the tool running as a child process while a blob download is stalled: it exits 130
/// within seconds, no output or temporary file remains, and the partial blob stays in the cache for the next run.
/// </summary>
public sealed class CancellationTests
{
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task A_signal_during_a_download_exits_130_and_keeps_the_partial_blob(string signal)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        using var temp = new TempFolder();
        var layer = Layer.Random(1 << 20, 9);
        registry.Push("slow/image", "1", TestImages.Image(new McrExport.Model.Platform("linux", "amd64"), [layer]));
        registry.Faults.Enqueue(layer.Digest, Fault.Stall(64 * 1024, TimeSpan.FromMinutes(2)));
        var cache = new BlobStore(temp.Combine("cache"));
        var output = Directory.CreateDirectory(temp.Combine("out")).FullName;

        using var process = Start([
            registry.Reference("slow/image", "1"), "-o", Path.Combine(output, "slow.tar"), "--cache-dir", cache.Root,
            "--stall-timeout", "600", "--retries", "0",
        ], temp.Combine("docker"));
        try
        {
            var partial = cache.PartialPathOf(layer.Digest);
            var started = await WaitUntilAsync(() => File.Exists(partial) || process.HasExited, TimeSpan.FromSeconds(90), ct);
            if (!started || process.HasExited) Assert.Fail(Diagnose(process, cache, registry));
            await Task.Delay(500, ct);
            if (process.HasExited) Assert.Fail(Diagnose(process, cache, registry));

            var clock = Stopwatch.StartNew();
            Signal(process.Id, signal);
            var exited = await WaitUntilAsync(() => process.HasExited, TimeSpan.FromSeconds(10), ct);
            Assert.True(exited, "the tool did not stop within 10 s");
            await process.WaitForExitAsync(ct);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
            Assert.Contains("error: cancelled", await process.StandardError.ReadToEndAsync(ct));
            Assert.Equal(ExitCodes.Cancelled, process.ExitCode);
            Assert.Empty(Directory.GetFileSystemEntries(output));
            Assert.True(File.Exists(partial), "the partial blob stays in the cache");
            Assert.True(new FileInfo(partial).Length > 0, "the partial blob keeps the bytes received");
            Assert.False(cache.Contains(layer.Digest, layer.Size));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static string Diagnose(Process process, BlobStore cache, FakeRegistry registry)
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        var files = Directory.Exists(cache.Root) ? string.Join(", ", Directory.GetFiles(cache.Root, "*", SearchOption.AllDirectories)) : "(no cache)";
        var requests = string.Join(", ", registry.Requests.Select(r => $"{r.Method} {r.Path} {r.Status}"));
        return $"exit {process.ExitCode}; stderr: {process.StandardError.ReadToEnd()}; cache: {files}; requests: {requests}; started: {registry.Host.RequestsStarted}";
    }

    private static Process Start(IEnumerable<string> args, string dockerConfig)
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
        start.Environment["DOCKER_CONFIG"] = dockerConfig;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(start)!;
    }

    private static void Signal(int pid, string signal)
    {
        var start = new ProcessStartInfo("kill") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-s");
        start.ArgumentList.Add(signal);
        start.ArgumentList.Add(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(start)!;
        var error = kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -s {signal} {pid}: {error}");
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(50, ct);
        }
        return true;
    }
}
