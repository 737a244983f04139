using System.Diagnostics;

namespace McrExport.Tests.Cli;

/// <summary>A tmpfs mounted on a fresh folder with options such as <c>ro</c> or <c>size=1m</c> (root on Linux); unmounted at dispose.</summary>
public sealed class MountedFolder : IDisposable
{
    private MountedFolder(string path) => Path = path;

    public string Path { get; }

    public static MountedFolder Mount(string parent, string options)
    {
        var path = System.IO.Path.Combine(parent, "mounted");
        Directory.CreateDirectory(path);
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        if (code != 0) throw new InvalidOperationException($"mount -t tmpfs -o {options} failed ({code}): {output.Trim()}; the output checks need root on Linux");
        return new MountedFolder(path);
    }

    public void Dispose() => Run("umount", "-l", Path);

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
