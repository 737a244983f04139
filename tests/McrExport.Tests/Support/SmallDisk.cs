using System.Diagnostics;

namespace McrExport.Tests.Support;

/// <summary>A size-limited tmpfs mounted on a fresh folder (needs root on Linux); unmounted and removed at dispose.</summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MiB, or returns null (with the reason) when mounting is not allowed.</summary>
    public static SmallDisk? TryMount(string parent, int megabytes, out string reason)
    {
        var path = System.IO.Path.Combine(parent, "small-disk");
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsLinux()) { reason = "tmpfs mounts need Linux"; return null; }
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        if (code != 0) { reason = $"mount failed ({code}): {output.Trim()}"; return null; }
        reason = "";
        return new SmallDisk(path);
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    public void Dispose()
    {
        Run("umount", Path);
        try { Directory.Delete(Path); }
        catch (IOException) { }
    }
}
