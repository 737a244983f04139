using System.CommandLine;
using McrExport.Errors;

namespace McrExport.Cli;

/// <summary>Builds the command tree and maps every failure to a one-line message and an exit code.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = ExportCommand.Create(console);
        HelpExamples.Install(root);
        root.Subcommands.Add(InspectCommand.Create(console));
        root.Subcommands.Add(TagsCommand.Create(console));
        root.Subcommands.Add(CacheCommand.Create(console));
        root.Subcommands.Add(VerifyCommand.Create(console));
        root.Subcommands.Add(PushCommand.Create(console));
        root.Subcommands.Add(CopyCommand.Create(console));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            await console.Error.WriteLineAsync($"Run '{parse.CommandResult.Command.Name} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Report(e, console.Error);
        }
    }

    /// <summary>Prints one line (and a hint) for an exception and returns the exit code.</summary>
    public static int Report(Exception e, TextWriter error)
    {
        if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate) e = aggregate.InnerExceptions[0];
        var (code, message, hint) = e switch
        {
            McrExportException m => (m.ExitCode, m.Message, m.Hint),
            OperationCanceledException => (ExitCodes.Cancelled, "cancelled", null),
            UnauthorizedAccessException => (ExitCodes.Disk, $"access denied: {e.Message}", null),
            IOException io when Content.DiskErrors.IsDiskFull(io) => (ExitCodes.Disk, $"no space left on the disk: {e.Message}", null),
            IOException => (ExitCodes.Disk, $"I/O error: {e.Message}", null),
            _ => (ExitCodes.Failure, $"unexpected error ({e.GetType().Name}): {e.Message}", null),
        };
        error.WriteLine($"error: {message}");
        if (hint is not null) error.WriteLine($"hint: {hint}");
        if (Environment.GetEnvironmentVariable("MCR_EXPORT_DEBUG") == "1") error.WriteLine(e.ToString());
        return code;
    }
}
