using System.Diagnostics;

namespace McrExport.Tests.Transfer;

/// <summary>Runs the built tool (<c>mcr-export.dll</c>, copied next to the tests) as a separate process.</summary>
internal static class ChildProcess
{
    public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "mcr-export.dll");

    public static Process Start(IEnumerable<string> args)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var info = new ProcessStartInfo(string.IsNullOrEmpty(host) || !File.Exists(host) ? "dotnet" : host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ToolPath);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the tool");
    }
}
