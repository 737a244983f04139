using System.CommandLine;
using McrExport.Cli.Usage;
using McrExport.Errors;

namespace McrExport.Cli;

/// <summary>Builds the command tree and maps every failure to a one-line message and an exit code.</summary>
public static class CliApp
{
    /// <summary>The command tree: export (also what a bare reference means), inspect, tags, cache, verify, push.</summary>
    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand(
            "Export container images (Windows foreign layers included) from a registry to a docker-load tar or an OCI image layout, without Docker. " +
            "'mcr-export <reference>...' is short for 'mcr-export export <reference>...'.");
        root.WithExamples(ExportCommand.Examples);
        HelpExamples.Install(root);
        root.Subcommands.Add(ExportCommand.Create(console));
        root.Subcommands.Add(InspectCommand.Create(console));
        root.Subcommands.Add(TagsCommand.Create(console));
        root.Subcommands.Add(CacheCommand.Create(console));
        root.Subcommands.Add(VerifyCommand.Create(console));
        root.Subcommands.Add(PushCommand.Create(console));
        root.Subcommands.Add(CopyCommand.Create(console));
        VerbHints.Install(root);
        NumberOptions.Install(root);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = Build(console);
        if (args.Length == 0)
        {
            await console.Error.WriteAsync(ShortUsage.Text(root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (DefaultCommand.MistypedCommand(root, args) is { } meant)
        {
            await console.Error.WriteLineAsync($"error: unknown command '{args[0]}'; did you mean '{meant}'? (for an image of that name, give its tag: {args[0]}:TAG)").ConfigureAwait(false);
            await console.Error.WriteLineAsync($"Run '{CommandPath.Program} --help' for the commands.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var parse = root.Parse(DefaultCommand.Route(root, args));
        if (parse.Action is not System.CommandLine.Invocation.CommandLineAction { ClearsParseErrors: true })
        {
            var usage = UsageErrors.Describe(parse);
            if (usage.Count == 0 && parse.Errors.Count > 0) usage = parse.Errors.Select(e => e.Message).ToList();
            if (usage.Count > 0)
            {
                foreach (var line in usage) await console.Error.WriteLineAsync($"error: {line}").ConfigureAwait(false);
                await console.Error.WriteLineAsync(UsageErrors.HelpLine(parse)).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
        }

        if (parse.Action is not System.CommandLine.Invocation.CommandLineAction { ClearsParseErrors: true } && Usage.EmptyValues.Find(parse) is { } empty)
        {
            await console.Error.WriteLineAsync($"error: {empty}").ConfigureAwait(false);
            await console.Error.WriteLineAsync(UsageErrors.HelpLine(parse)).ConfigureAwait(false);
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
            IOException io when Content.DiskErrors.IsDiskFull(io) => (ExitCodes.Disk, $"no space left on the disk: {e.Message}",
                "free some space, or point --output / --cache-dir at a larger disk"),
            IOException io when io.Message.Contains("Read-only file system", StringComparison.Ordinal) => (ExitCodes.Disk,
                $"the file system is read-only: {e.Message}", "point --output / --cache-dir at a writable folder"),
            IOException => (ExitCodes.Disk, $"I/O error: {e.Message}", null),
            _ => (ExitCodes.Failure, $"unexpected error ({e.GetType().Name}): {e.Message}", null),
        };
        error.WriteLine($"error: {message}");
        if (hint is not null) error.WriteLine($"hint: {hint}");
        if (Environment.GetEnvironmentVariable("MCR_EXPORT_DEBUG") == "1") error.WriteLine(e.ToString());
        return code;
    }
}
