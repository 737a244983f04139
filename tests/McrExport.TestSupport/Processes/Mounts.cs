namespace McrExport.TestSupport;

/// <summary>Cleans up the mounts a daemon left behind.</summary>
public static class Mounts
{
    /// <summary>Unmounts whatever is still mounted under <paramref name="root"/>, deepest first.</summary>
    public static async Task UnmountUnder(string root)
    {
        if (!File.Exists("/proc/self/mounts")) return;
        var mounts = (await File.ReadAllLinesAsync("/proc/self/mounts"))
            .Select(line => line.Split(' ')).Where(parts => parts.Length > 1)
            .Select(parts => parts[1].Replace("\\040", " "))
            .Where(point => point.StartsWith(root + "/", StringComparison.Ordinal))
            .OrderByDescending(point => point.Length);
        foreach (var point in mounts)
            await ProcessRunner.RunAsync("umount", ["-l", point], TimeSpan.FromSeconds(30));
    }
}
