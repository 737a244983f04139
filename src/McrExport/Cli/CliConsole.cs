namespace McrExport.Cli;

/// <summary>The process's streams, injectable so tests can run the CLI in-process.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, Func<Stream> OpenStandardOutput, Func<TextReader> In, bool ErrorIsTerminal)
{
    /// <summary>True when standard output is a terminal (a tar is never written there).</summary>
    public bool OutputIsTerminal { get; init; }

    public static CliConsole System() => new(
        Console.Out,
        Console.Error,
        Console.OpenStandardOutput,
        () => Console.In,
        !Console.IsErrorRedirected)
    {
        OutputIsTerminal = !Console.IsOutputRedirected,
    };
}
