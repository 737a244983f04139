using System.Diagnostics;
using System.Globalization;

namespace McrExport.Content;

/// <summary>
/// Temporary files and folders that a run makes beside its output or in the cache carry the maker's process id in
/// their name (<c>….&lt;pid&gt;-&lt;random&gt;.partial</c>, <c>.mcr-export-&lt;pid&gt;-&lt;random&gt;.tmp</c>). A
/// run killed with SIGKILL cannot remove them; the next run to the same place (and <c>cache prune</c>) does, for each
/// one whose maker is gone: no process has that id any more, or the process that has it started after the leftover
/// was last written (the id was reused). Names without an id (older versions) go once they are a day old.
/// </summary>
public static class Leftovers
{
    private static readonly TimeSpan UnknownMakerAge = TimeSpan.FromDays(1);

    /// <summary>The tag that names this process in a temporary name: <c>&lt;pid&gt;-&lt;random&gt;</c>.</summary>
    public static string NewTag() =>
        $"{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}";

    /// <summary>Removes the leftovers beside <paramref name="target"/>: <c>.&lt;name&gt;.*.partial</c> and <c>.mcr-export-*.tmp</c>.</summary>
    public static IReadOnlyList<string> CleanBeside(string target)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(target));
        if (directory is null) return [];
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(target)));
        return Clean(directory, entry =>
        {
            if (entry.StartsWith($".{name}.", StringComparison.Ordinal) && entry.EndsWith(".partial", StringComparison.Ordinal))
                return entry[(name.Length + 2)..^".partial".Length];
            if (entry.StartsWith(".mcr-export-", StringComparison.Ordinal) && entry.EndsWith(".tmp", StringComparison.Ordinal))
                return entry[".mcr-export-".Length..^".tmp".Length];
            return null;
        });
    }

    /// <summary>Removes the leftovers in a folder that holds only temporary files (the cache's <c>tmp/</c>).</summary>
    public static IReadOnlyList<string> CleanFolder(string directory) =>
        Clean(directory, entry => entry.StartsWith(".mcr-export-", StringComparison.Ordinal) ? entry[".mcr-export-".Length..] : null);

    /// <summary>True when the maker named by <paramref name="tag"/> (<c>&lt;pid&gt;-…</c>) is gone, judged against the leftover's last write.</summary>
    public static bool MakerIsGone(string tag, DateTime lastWriteUtc)
    {
        var dash = tag.IndexOfAny(['-', '.']);
        if (dash <= 0 || !int.TryParse(tag[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return DateTime.UtcNow - lastWriteUtc > UnknownMakerAge;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited) return true;
            return process.StartTime.ToUniversalTime() > lastWriteUtc;
        }
        catch (ArgumentException) { return true; }
        catch (InvalidOperationException) { return true; }
        catch (System.ComponentModel.Win32Exception) { return false; }
        catch (NotSupportedException) { return false; }
    }

    private static List<string> Clean(string directory, Func<string, string?> tagOf)
    {
        var removed = new List<string>();
        IEnumerable<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(directory).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return removed; }
        foreach (var path in entries)
        {
            var tag = tagOf(Path.GetFileName(path));
            if (tag is null) continue;
            try
            {
                var kind = SafeFile.KindOf(path);
                var lastWrite = kind == FileKind.Directory ? Directory.GetLastWriteTimeUtc(path) : File.GetLastWriteTimeUtc(path);
                if (!MakerIsGone(tag, lastWrite)) continue;
                // A link is removed as a link; a folder's contents are removed without following links inside it.
                if (kind == FileKind.Directory) Directory.Delete(path, recursive: true);
                else File.Delete(path);
                removed.Add(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }
}
