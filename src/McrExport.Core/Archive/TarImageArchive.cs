using McrExport.Errors;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>A tar indexed in one pass over its headers; file bytes are read in place (no extraction).</summary>
public sealed class TarImageArchive : ImageArchive
{
    private readonly Func<Stream> _open;

    private TarImageArchive(string path, IReadOnlyDictionary<string, ArchiveEntry> entries, IReadOnlyList<string> problems, Func<Stream> open)
        : base(path, entries, problems) => _open = open;

    public override bool IsFolder => false;

    public static TarImageArchive OpenTar(string path) =>
        OpenTar(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan));

    /// <summary>Indexes the tar that <paramref name="open"/> gives (a seekable stream; a split archive's joined parts).</summary>
    public static TarImageArchive OpenTar(string path, Func<Stream> open)
    {
        var entries = new Dictionary<string, ArchiveEntry>(StringComparer.Ordinal);
        var problems = new List<string>();
        using var file = open();
        List<TarIndex.Item> items;
        string? problem;
        try { (items, problem) = TarIndex.Read(file); }
        catch (InvalidDataException e) { (items, problem) = ([], e.Message); }
        if (problem is not null) problems.Add($"{path}: {problem}");
        foreach (var item in items)
        {
            try { TarEntryName.Validate(item.Name); }
            catch (UnsafePathException e) { problems.Add($"{path}: {e.Message}"); continue; }
            if (item.Type == '5') continue;
            if (item.Type is not ('0' or '7'))
            {
                problems.Add($"{path}: '{item.Name}' is not a regular file (tar type '{item.Type}')");
                continue;
            }
            if (!entries.TryAdd(item.Name, new ArchiveEntry(item.Name, item.Offset, item.Size)))
                problems.Add($"{path}: '{item.Name}' appears more than once");
        }
        if (entries.Count == 0 && problems.Count == 0) problems.Add($"{path}: the tar holds no files");
        return new TarImageArchive(path, entries, problems, open);
    }

    public override Stream OpenRead(string name)
    {
        var entry = Entries[name];
        var file = _open();
        file.Position = Math.Min(entry.Offset, file.Length);
        return new BoundedStream(file, entry.Size);
    }
}
