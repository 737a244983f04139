using McrExport.Content;
using McrExport.Errors;
using McrExport.Output;
using McrExport.Planning;

namespace McrExport.Cli;

/// <summary>
/// What can be known about the output before the network is used: its folder exists and takes a new file, the disk
/// has room, and a tar is not about to be written to a terminal. Every message names the path the user gave.
/// </summary>
public static class OutputChecks
{
    public static void Check(string output, bool folderOutput, bool outputIsTerminal)
    {
        if (output == WriterOptions.StandardOutputPath)
        {
            if (outputIsTerminal)
                throw new UsageException("refusing to write a tar to the terminal: standard output is not redirected")
                { Hint = "give -o FILE, or redirect: mcr-export IMAGE -o - > image.tar, or | docker load" };
            return;
        }
        var full = Path.GetFullPath(output);
        var folder = Path.GetDirectoryName(full) ?? full;
        if (!Directory.Exists(folder))
            throw new UsageException($"cannot write {output}: the folder {folder} does not exist") { Hint = $"create it first: mkdir -p {folder}" };
        if (!folderOutput && Directory.Exists(full))
            throw new UsageException($"cannot write {output}: it is a folder; this format writes one file") { Hint = "give a file name, or --format oci for a layout folder" };
        if (folderOutput && File.Exists(full))
            throw new UsageException($"cannot write {output}: it is a file; --format oci writes a folder");
        CheckWritable(output, folder);
        if (FreeSpace.Available(folder) is 0)
            throw new DiskException($"cannot write {output}: no space is free on the disk holding {folder}");
    }

    /// <summary>The cache folder: created if missing, and able to take a new file.</summary>
    public static void CheckCache(string cacheRoot)
    {
        try
        {
            Directory.CreateDirectory(cacheRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiskException($"cannot use the cache folder {cacheRoot}: {e.Message}") { Hint = "give --cache-dir DIR or --no-cache" };
        }
        CheckWritable(cacheRoot, cacheRoot, "the cache folder");
    }

    private static void CheckWritable(string shown, string folder, string what = "")
    {
        var probe = Path.Combine(folder, $".mcr-export-probe-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is UnauthorizedAccessException ? "permission denied in"
                : DiskErrors.IsDiskFull(e) ? "the disk is full at"
                : e.Message.Contains("Read-only file system", StringComparison.Ordinal) ? "the file system is read-only at"
                : "no new file can be made in";
            throw new DiskException($"cannot write {(what.Length > 0 ? what + " " : "")}{shown}: {reason} {folder}")
            { Hint = "choose another place with " + (what.Length > 0 ? "--cache-dir DIR or --no-cache" : "-o PATH") };
        }
        finally
        {
            try { File.Delete(probe); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
