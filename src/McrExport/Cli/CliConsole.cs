namespace McrExport.Cli;

/// <summary>The process's streams, injectable so tests can run the CLI in-process.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, Func<Stream> OpenStandardOutput, Func<TextReader> In, bool ErrorIsTerminal)
{
    public static CliConsole System() => new(
        Console.Out,
        Console.Error,
        Console.OpenStandardOutput,
        () => Console.In,
        !Console.IsErrorRedirected);
}
