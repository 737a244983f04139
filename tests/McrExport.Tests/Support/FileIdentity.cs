using System.Diagnostics;

namespace McrExport.Tests.Support;

/// <summary>Device, inode and link count of a file, read with <c>stat</c> (Unix only).</summary>
public sealed record FileIdentity(string Device, string Inode, int Links)
{
    public static FileIdentity Of(string path)
    {
        var start = new ProcessStartInfo("stat", ["-c", "%d %i %h", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("stat did not start");
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"stat {path} failed: {process.StandardError.ReadToEnd()}");
        var parts = output.Split(' ');
        return new FileIdentity(parts[0], parts[1], int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }
}
