using McrExport.Content;
using McrExport.Output;

namespace McrExport.Planning;

/// <summary>
/// Compares what a plan will write with the free space of the disks it writes to, before anything is downloaded:
/// the output needs every blob once, the cache needs the blobs it does not hold yet.
/// </summary>
public static class FreeSpace
{
    /// <summary>The warnings for <paramref name="plan"/> written to <paramref name="outputPath"/> through <paramref name="store"/>.</summary>
    public static IReadOnlyList<string> Check(ExportPlan plan, BlobStore store, string outputPath, bool storeIsTemporary)
    {
        var warnings = new List<string>();
        var outputBytes = plan.TotalBytes + plan.Set.Nodes.Sum(n => n.Descriptor.Size + (n is Model.Image i ? i.Manifest.Config.Size : 0));
        var missing = plan.Blobs.Where(b => !IsStored(store, b)).Sum(b => b.Descriptor.Size);
        var writesOutput = outputPath != WriterOptions.StandardOutputPath;
        if (storeIsTemporary)
        {
            if (writesOutput) Add(warnings, DirectoryOf(outputPath), outputBytes + missing, "the output and its temporary downloads");
            else Add(warnings, store.Root, missing, "the temporary downloads");
            return warnings;
        }
        if (writesOutput) Add(warnings, DirectoryOf(outputPath), outputBytes, "the output");
        Add(warnings, store.Root, missing, "the cache");
        return warnings;
    }

    /// <summary>Free bytes on the disk holding <paramref name="directory"/> (or its nearest existing parent); null when unknown.</summary>
    public static long? Available(string directory)
    {
        try
        {
            var existing = new DirectoryInfo(directory);
            while (existing is not null && !existing.Exists) existing = existing.Parent;
            return existing is null ? null : new DriveInfo(existing.FullName).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void Add(List<string> warnings, string directory, long needed, string what)
    {
        if (needed <= 0 || Available(directory) is not { } free || free >= needed) return;
        warnings.Add($"{what} need about {DiskErrors.FormatSize(needed)} but only {DiskErrors.FormatSize(free)} is free on the disk holding {directory}");
    }

    private static bool IsStored(BlobStore store, PlannedBlob blob)
    {
        var info = new FileInfo(store.PathOf(blob.Descriptor.Digest));
        return info.Exists && info.Length == blob.Descriptor.Size;
    }

    private static string DirectoryOf(string outputPath) =>
        Path.GetDirectoryName(Path.GetFullPath(outputPath)) ?? Path.GetFullPath(".");
}
