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
        // A folder with none of a layout's or a docker save's top files (verify ~ by mistake) is not walked: the source says what it lacks.
        if (!new[] { OciLayoutContent.IndexFileName, OciLayoutContent.LayoutFileName, DockerArchiveManifest.ManifestFileName }.Any(f => Present(Path.Combine(root, f))))
            return new FolderImageArchive(root, entries, problems);
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

    /// <summary>Anything at the path, a link (even a dangling one) included.</summary>
    private static bool Present(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

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
