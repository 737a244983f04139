using McrExport.Content;
using McrExport.Errors;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>An OCI layout folder; links that point anywhere are refused.</summary>
public sealed class FolderImageArchive : ImageArchive
{
    private readonly string _root;

    private FolderImageArchive(string root, IReadOnlyDictionary<string, ArchiveEntry> entries, IReadOnlyList<string> problems)
        : base(root, entries, problems) => _root = root;

    public override bool IsFolder => true;

    public static FolderImageArchive OpenFolder(string path)
    {
        var root = Path.GetFullPath(path);
        var entries = new Dictionary<string, ArchiveEntry>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(root, info.FullName).Replace('\\', '/');
            if (info.LinkTarget is not null)
            {
                problems.Add($"{Path.Combine(root, name)}: is a link to '{info.LinkTarget}'; a layout holds regular files only");
                continue;
            }
            if (info is not FileInfo file) continue;
            if (SafeFile.KindOf(info.FullName) is { } kind and not FileKind.Regular)
            {
                problems.Add(new UnsafeFileException(Path.Combine(root, name), kind).Message);
                continue;
            }
            try { TarEntryName.Validate(name); }
            catch (UnsafePathException e) { problems.Add($"{root}: {e.Message}"); continue; }
            entries[name] = new ArchiveEntry(name, 0, file.Length);
        }
        return new FolderImageArchive(root, entries, problems);
    }

    public override Stream OpenRead(string name)
    {
        var entry = Entries[name];
        var path = Path.Combine(_root, name);
        var file = SafeFile.OpenRead(path, out var identity);
        if (identity is not null && identity.Size != entry.Size)
        {
            file.Dispose();
            throw new UnsafeFileException(path, $"changed while it was read: {identity.Size} bytes, {entry.Size} when the folder was listed");
        }
        return new BoundedStream(file, entry.Size);
    }
}
