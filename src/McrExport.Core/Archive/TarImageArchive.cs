using System.Formats.Tar;
using McrExport.Errors;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>A tar indexed in one pass over its headers; file bytes are read in place (no extraction).</summary>
public sealed class TarImageArchive : ImageArchive
{
    private TarImageArchive(string path, IReadOnlyDictionary<string, ArchiveEntry> entries, IReadOnlyList<string> problems)
        : base(path, entries, problems) { }

    public override bool IsFolder => false;

    public static TarImageArchive OpenTar(string path)
    {
        var entries = new Dictionary<string, ArchiveEntry>(StringComparer.Ordinal);
        var problems = new List<string>();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        var length = file.Length;
        using var reader = new TarReader(file, leaveOpen: true);
        string? last = null;
        try
        {
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                var name = entry.Name;
                try { TarEntryName.Validate(name); }
                catch (UnsafePathException e) { problems.Add($"{path}: {e.Message}"); continue; }
                last = name;
                if (entry.EntryType is TarEntryType.Directory) continue;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    problems.Add($"{path}: '{name}' is a {entry.EntryType} entry, not a regular file");
                    continue;
                }
                var offset = file.Position;
                if (offset + entry.Length > length)
                    problems.Add($"{path}: the tar is truncated inside '{name}' ({length - offset} of {entry.Length} bytes present)");
                if (!entries.TryAdd(name, new ArchiveEntry(name, offset, entry.Length)))
                    problems.Add($"{path}: '{name}' appears more than once");
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            problems.Add($"{path}: the tar is truncated or damaged after '{last ?? "the start"}': {e.Message}");
        }
        if (entries.Count == 0 && problems.Count == 0) problems.Add($"{path}: the tar holds no files");
        return new TarImageArchive(path, entries, problems);
    }

    public override Stream OpenRead(string name)
    {
        var entry = Entries[name];
        var file = new FileStream(Location, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        file.Position = Math.Min(entry.Offset, file.Length);
        return new BoundedStream(file, entry.Size);
    }
}
