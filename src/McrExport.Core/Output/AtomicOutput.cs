using McrExport.Content;
using McrExport.Errors;

namespace McrExport.Output;

/// <summary>
/// Makes output appear all at once or not at all. A file is written to <c>.&lt;name&gt;.&lt;random&gt;.partial</c>
/// beside the target and renamed over it at the end; a folder is built as <c>.&lt;name&gt;.&lt;random&gt;.partial/</c>
/// and moved into place (an existing target is moved aside first and deleted after). On failure or cancellation the
/// temporary file or folder is deleted, so nothing is left at the output path. <c>-</c> writes straight to standard
/// output. Running out of space becomes a <see cref="DiskException"/>.
/// </summary>
public static class AtomicOutput
{
    /// <summary>Writes a file (or standard output) through <paramref name="write"/>.</summary>
    /// <param name="expectedBytes">about how many bytes the output takes, for the disk-full message.</param>
    public static async Task WriteFileAsync(WriterOptions options, Func<Stream, CancellationToken, Task> write,
        long expectedBytes, CancellationToken cancellationToken)
    {
        if (options.IsStandardOutput)
        {
            var stdout = options.StandardOutput ?? Console.OpenStandardOutput();
            await write(stdout, cancellationToken).ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        if (options.SplitSize is { } partSize)
        {
            await WriteSplitAsync(options.OutputPath, partSize, write, expectedBytes, cancellationToken).ConfigureAwait(false);
            return;
        }
        await WriteFileAsync(options.OutputPath, write, expectedBytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <c>NAME.001</c>, <c>NAME.002</c>, … of at most <paramref name="partSize"/> bytes and <c>NAME.sha256</c>
    /// through a <see cref="Split.SplitOutput"/>: every part under a temporary name, all renamed at the end.
    /// </summary>
    public static async Task WriteSplitAsync(string path, long partSize, Func<Stream, CancellationToken, Task> write, long expectedBytes,
        CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(path);
        if (Directory.Exists(target))
            throw new UsageException($"the output '{path}' is a folder; give a file name for a split tar output");
        var split = new Split.SplitOutput(target, partSize);
        try
        {
            await write(split, cancellationToken).ConfigureAwait(false);
            await split.FlushAsync(cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await split.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (DiskErrors.IsDiskFull(e))
        {
            throw DiskErrors.Full(target, Remaining(expectedBytes, split.BytesOnDisk), e);
        }
        finally
        {
            await split.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes the file at <paramref name="path"/> atomically through <paramref name="write"/>.</summary>
    public static async Task WriteFileAsync(string path, Func<Stream, CancellationToken, Task> write, long expectedBytes,
        CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(path);
        if (Directory.Exists(target))
            throw new UsageException($"the output '{path}' is a folder; give a file name for a tar output");
        Leftovers.CleanBeside(target);
        var temp = TempPathBeside(target);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16,
                             FileOptions.Asynchronous))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, target, overwrite: true);
        }
        catch (IOException e) when (DiskErrors.IsDiskFull(e))
        {
            throw DiskErrors.Full(target, Remaining(expectedBytes, FileLength(temp)), e);
        }
        finally
        {
            TryDeleteFile(temp);
        }
    }

    /// <summary>
    /// Builds a folder atomically: <paramref name="write"/> fills the temporary folder it is given. An existing
    /// target is replaced only when it is empty or an OCI layout (it has an <c>oci-layout</c> file).
    /// </summary>
    public static async Task WriteDirectoryAsync(string path, Func<string, CancellationToken, Task> write, long expectedBytes,
        CancellationToken cancellationToken)
    {
        if (path == WriterOptions.StandardOutputPath)
            throw new UsageException("an OCI layout folder cannot be written to standard output")
            {
                Hint = "use --format oci-tar or docker-tar to write a tar to standard output",
            };
        var target = Path.GetFullPath(Path.TrimEndingDirectorySeparator(path));
        if (File.Exists(target)) throw new UsageException($"the output '{path}' is a file; give a folder name for an OCI layout");
        if (Directory.Exists(target) && !IsReplaceable(target))
            throw new UsageException($"the output folder '{path}' exists and is not an OCI layout; it is left alone")
            {
                Hint = "give a new folder name, or remove the folder first",
            };

        Leftovers.CleanBeside(target);
        var temp = TempPathBeside(target);
        string? aside = null;
        try
        {
            Directory.CreateDirectory(temp);
            await write(temp, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (Directory.Exists(target))
            {
                aside = TempPathBeside(target, "old");
                Directory.Move(target, aside);
            }
            try
            {
                Directory.Move(temp, target);
            }
            catch when (aside is not null)
            {
                Directory.Move(aside, target);
                aside = null;
                throw;
            }
        }
        catch (IOException e) when (DiskErrors.IsDiskFull(e))
        {
            throw DiskErrors.Full(target, Remaining(expectedBytes, DirectoryLength(temp)), e);
        }
        finally
        {
            TryDeleteDirectory(temp);
            if (aside is not null) TryDeleteDirectory(aside);
        }
    }

    /// <summary>
    /// <c>&lt;dir&gt;/.&lt;name&gt;.&lt;pid&gt;-&lt;random&gt;.partial</c> (or another suffix) beside <paramref name="target"/>;
    /// the process id lets a later run tell a leftover of a killed run (<see cref="Leftovers"/>).
    /// </summary>
    public static string TempPathBeside(string target, string suffix = "partial")
    {
        var directory = Path.GetDirectoryName(target) ?? throw new UsageException($"'{target}' has no parent folder");
        return Path.Combine(directory, $".{Path.GetFileName(target)}.{Leftovers.NewTag()}.{suffix}");
    }

    private static bool IsReplaceable(string directory) =>
        File.Exists(Path.Combine(directory, OciLayoutContent.LayoutFileName)) || !Directory.EnumerateFileSystemEntries(directory).Any();

    private static long Remaining(long expected, long written) => Math.Max(1, expected - written);

    private static long FileLength(string path)
    {
        try { return File.Exists(path) ? new FileInfo(path).Length : 0; }
        catch (IOException) { return 0; }
    }

    private static long DirectoryLength(string path)
    {
        try
        {
            return Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
                : 0;
        }
        catch (IOException) { return 0; }
    }

    private static void TryDeleteFile(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
