using System.Diagnostics;

namespace McrExport.Tests.Cli;

/// <summary>
/// The built tool (<c>mcr-export.dll</c>, copied next to the tests by the project reference) run as a child process,
/// as a user runs it: with pipes, or under a pseudo terminal through util-linux <c>script</c>.
/// </summary>
public static class BuiltTool
{
    /// <summary>
    /// The tool in its own build folder (src/McrExport/bin/CONFIGURATION/TFM, built by the project reference), where
    /// its dependencies sit beside it as in the package; the copy next to the tests shares the test host's
    /// dependency set, which is not the tool's.
    /// </summary>
    public static string Assembly { get; } = Locate();

    private static string Locate()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var own = Path.Combine(Support.Golden.RepositoryRoot(), "src", "McrExport", "bin", here.Parent!.Name, here.Name, "mcr-export.dll");
        return File.Exists(own) ? own : Path.Combine(AppContext.BaseDirectory, "mcr-export.dll");
    }

    public static string Dotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public sealed record Run(ProcessResult Result, TimeSpan Elapsed)
    {
        public int ExitCode => Result.ExitCode;
        public string Out => Result.StdOut;
        public string Error => Result.StdErr;
        public string Describe() => Result.Describe() + $"elapsed {Elapsed.TotalSeconds:0.00} s";
    }

    /// <summary>Runs the tool with standard output and error as pipes.</summary>
    public static async Task<Run> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(Dotnet, [Assembly, .. args], timeout ?? TimeSpan.FromMinutes(2), cancellationToken,
            workingDirectory, environment: environment);
        return new Run(result, clock.Elapsed);
    }

    /// <summary>
    /// Runs the tool under a pseudo terminal (<c>script -qec</c>): standard output and error are the terminal, whose
    /// text (escape sequences included) comes back as <see cref="ProcessResult.StdOut"/>.
    /// </summary>
    public static async Task<Run> RunInTerminalAsync(IEnumerable<string> args, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var command = string.Join(' ', new[] { Dotnet, Assembly }.Concat(args).Select(ShellQuote));
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync("script", ["-qec", command, "/dev/null"], timeout ?? TimeSpan.FromMinutes(2), cancellationToken,
            environment: new Dictionary<string, string> { ["TERM"] = "xterm-256color", ["COLUMNS"] = "160", ["LINES"] = "50" });
        return new Run(result, clock.Elapsed);
    }

    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''") + "'";
}
