namespace McrExport.Cli.Usage;

/// <summary>What <c>mcr-export</c> with no arguments prints: the two forms of the command line and the next line to type.</summary>
public static class ShortUsage
{
    public static string Text(IEnumerable<string> commands) =>
        $"""
        Usage: mcr-export <reference>... [options]     export images to a docker-load tar or an OCI layout
               mcr-export <command> [arguments]        {string.Join(", ", commands)}

        Try:   mcr-export servercore:ltsc2019          writes servercore-ltsc2019.tar
        More:  mcr-export --help

        """;
}
