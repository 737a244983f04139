using System.Diagnostics;
using System.Text;

namespace McrExport.TestSupport;

/// <summary>Runs a command to completion with a time limit, capturing stdout and stderr.</summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default, string? workingDirectory = null,
        Stream? stdin = null, IReadOnlyDictionary<string, string>? environment = null) =>
        RunCoreAsync(fileName, arguments.ToList(), timeout ?? DefaultTimeout, workingDirectory, stdin, environment,
            null, cancellationToken);

    /// <summary>Runs a command whose stdout is binary and goes to <paramref name="stdout"/>.</summary>
    public static Task<ProcessResult> RunToStreamAsync(string fileName, IEnumerable<string> arguments, Stream stdout,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        RunCoreAsync(fileName, arguments.ToList(), timeout ?? DefaultTimeout, null, null, null, stdout,
            cancellationToken);

    /// <summary>Runs <paramref name="producer"/> with its stdout piped into <paramref name="consumer"/>'s stdin.</summary>
    public static async Task<(ProcessResult Producer, ProcessResult Consumer)> PipeAsync(
        (string FileName, IEnumerable<string> Arguments) producer,
        (string FileName, IEnumerable<string> Arguments) consumer,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        using var first = Start(producer.FileName, producer.Arguments.ToList(), null, null, redirectStdin: false);
        using var second = Start(consumer.FileName, consumer.Arguments.ToList(), null, null, redirectStdin: true);
        var firstErr = first.StandardError.ReadToEndAsync(limit.Token);
        var secondOut = second.StandardOutput.ReadToEndAsync(limit.Token);
        var secondErr = second.StandardError.ReadToEndAsync(limit.Token);
        var pump = Task.Run(async () =>
        {
            try { await first.StandardOutput.BaseStream.CopyToAsync(second.StandardInput.BaseStream, limit.Token); }
            finally { second.StandardInput.Close(); }
        }, limit.Token);
        try
        {
            await Task.WhenAll(first.WaitForExitAsync(limit.Token), second.WaitForExitAsync(limit.Token));
            await pump;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(first);
            Kill(second);
            throw new TimeoutException($"'{Describe(producer.FileName, producer.Arguments)} | " +
                $"{Describe(consumer.FileName, consumer.Arguments)}' did not finish within {timeout ?? DefaultTimeout}");
        }
        catch (IOException)
        {
            await Task.WhenAll(first.WaitForExitAsync(limit.Token), second.WaitForExitAsync(limit.Token));
        }
        return (new ProcessResult(Describe(producer.FileName, producer.Arguments), first.ExitCode, "(piped)", await firstErr),
            new ProcessResult(Describe(consumer.FileName, consumer.Arguments), second.ExitCode, await secondOut, await secondErr));
    }

    private static async Task<ProcessResult> RunCoreAsync(string fileName, IReadOnlyList<string> arguments,
        TimeSpan timeout, string? workingDirectory, Stream? stdin, IReadOnlyDictionary<string, string>? environment,
        Stream? binaryStdout, CancellationToken cancellationToken)
    {
        var commandLine = Describe(fileName, arguments);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        using var process = Start(fileName, arguments, workingDirectory, environment, redirectStdin: stdin is not null);
        var stdoutText = binaryStdout is null ? process.StandardOutput.ReadToEndAsync(limit.Token) : null;
        var stdoutCopy = binaryStdout is null ? null : process.StandardOutput.BaseStream.CopyToAsync(binaryStdout, limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            if (stdin is not null)
            {
                await stdin.CopyToAsync(process.StandardInput.BaseStream, limit.Token);
                process.StandardInput.Close();
            }
            await process.WaitForExitAsync(limit.Token);
            var output = stdoutText is null ? "" : await stdoutText;
            if (stdoutCopy is not null) await stdoutCopy;
            return new ProcessResult(commandLine, process.ExitCode, output, await stderr);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            throw new TimeoutException($"'{commandLine}' did not finish within {timeout}");
        }
        finally
        {
            Kill(process);
        }
    }

    private static Process Start(string fileName, IReadOnlyList<string> arguments, string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment, bool redirectStdin)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
    }

    private static void Kill(Process process)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    public static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { fileName }.Concat(arguments).Select(Quote));

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || "-_./:=@,+".Contains(c)) ? value : $"'{value}'";
}
