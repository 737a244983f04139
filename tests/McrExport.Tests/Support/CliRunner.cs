using McrExport.Cli;

namespace McrExport.Tests.Support;

/// <summary>Runs the command line in-process with captured streams.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error, byte[] StandardOutputBytes);

    public static async Task<Result> RunAsync(IEnumerable<string> args, string? stdin = null, bool terminal = false,
        CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var stdout = new MemoryStream();
        var console = new CliConsole(output, error, () => stdout, () => new StringReader(stdin ?? ""), terminal);
        var code = await CliApp.RunAsync(args.ToArray(), console, cancellationToken);
        return new Result(code, output.ToString(), error.ToString(), stdout.ToArray());
    }
}
