namespace McrExport.PeerTests.Harness;

/// <summary>Runs mcr-export out of process, as a user would: <c>dotnet mcr-export.dll …</c>.</summary>
public static class McrExportTool
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>mcr-export.dll, built next to the tests by the project reference.</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "mcr-export.dll");

    public static string Dotnet =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>The arguments after <c>dotnet</c>: the assembly, the given arguments and no blob cache.</summary>
    public static IEnumerable<string> Arguments(params string[] arguments) => [Assembly, .. arguments, "--no-cache"];

    /// <summary>Exports and fails the test with the tool's output unless it exits with 0.</summary>
    public static async Task<ProcessResult> ExportAsync(CancellationToken cancellationToken, params string[] arguments) =>
        (await ProcessRunner.RunAsync(Dotnet, Arguments(arguments), Timeout, cancellationToken)).EnsureSuccess();

    public static (string FileName, IEnumerable<string> Arguments) Command(params string[] arguments) =>
        (Dotnet, Arguments(arguments));
}
