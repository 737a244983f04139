using McrExport.Content;
using McrExport.Errors;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>
/// A tar indexed in one pass over its headers; file bytes are read in place (no extraction). Symbolic and hard links
/// (as <c>docker save</c>, skopeo and podman write for <c>layer.tar</c>) are followed when they lead to a regular
/// file inside the tar; a link out of it, a loop or a dangling link is a problem.
/// </summary>
public sealed class TarImageArchive : ImageArchive
{
    private const int MaxLinkHops = 16;

    private readonly Func<Stream> _open;

    private TarImageArchive(string location, Func<Stream> open, IReadOnlyDictionary<string, ArchiveEntry> entries, IReadOnlyList<string> problems)
        : base(location, entries, problems) => _open = open;

    public override bool IsFolder => false;

    /// <summary>
    /// Opens a tar file: only a regular file, without following a link; every later read checks that it is still the
    /// file whose headers were read (same inode, size and change time), so a swap between check and use is refused.
    /// </summary>
    public static TarImageArchive OpenTar(string path)
    {
        FileIdentity? first = null;
        var opened = false;
        return Open(path, () =>
        {
            // The first open reads the headers (small reads, seeking); later ones read file bytes in sequence.
            var file = opened ? SafeFile.OpenRead(path, out var now) : SafeFile.OpenRead(path, out now, TarIndex.Block, FileOptions.None);
            if (!opened)
            {
                (first, opened) = (now, true);
                return file;
            }
            if (first is not null && now is not null && !now.SameContentAs(first))
            {
                file.Dispose();
                throw new UnsafeFileException(path, "changed since its headers were read");
            }
            return file;
        });
    }

    /// <summary>
    /// Indexes a tar given as a factory of seekable streams over the whole of it (a file, or parts read as one);
    /// <paramref name="location"/> names it in problems.
    /// </summary>
    public static TarImageArchive Open(string location, Func<Stream> open)
    {
        var entries = new Dictionary<string, ArchiveEntry>(StringComparer.Ordinal);
        var links = new Dictionary<string, (char Type, string Target)>(StringComparer.Ordinal);
        var problems = new List<string>();
        List<TarIndex.Item> items;
        string? problem;
        using (var file = open())
        {
            try { (items, problem) = TarIndex.Read(file); }
            catch (InvalidDataException e) { (items, problem) = ([], e.Message); }
        }
        if (problem is not null) problems.Add($"{location}: {problem}");
        foreach (var item in items)
        {
            try { TarEntryName.Validate(item.Name); }
            catch (UnsafePathException e) { problems.Add($"{location}: {e.Message}"); continue; }
            if (item.Type == '5') continue;
            var name = item.Name.TrimEnd('/');
            if (item.Type is '1' or '2' && item.LinkName is { } target)
            {
                if (!links.TryAdd(name, (item.Type, target)) || entries.ContainsKey(name))
                    problems.Add($"{location}: '{name}' appears more than once");
                continue;
            }
            if (item.Type is not ('0' or '7'))
            {
                problems.Add($"{location}: '{item.Name}' is not a regular file (tar type '{item.Type}')");
                continue;
            }
            if (links.ContainsKey(name) || !entries.TryAdd(name, new ArchiveEntry(name, item.Offset, item.Size)))
                problems.Add($"{location}: '{item.Name}' appears more than once");
        }
        foreach (var (name, link) in links)
        {
            if (Follow(name, links, entries) is { } resolved) entries[name] = resolved with { Name = name };
            else problems.Add($"{location}: '{name}' is a link to '{link.Target}', which is not a file inside the archive");
        }
        if (entries.Count == 0 && problems.Count == 0) problems.Add($"{location}: the tar holds no files");
        return new TarImageArchive(location, open, entries, problems);
    }

    /// <summary>The regular file a link leads to, or null when it leaves the archive, loops or dangles.</summary>
    private static ArchiveEntry? Follow(string name, Dictionary<string, (char Type, string Target)> links, Dictionary<string, ArchiveEntry> entries)
    {
        var current = name;
        for (var hop = 0; hop < MaxLinkHops; hop++)
        {
            if (!links.TryGetValue(current, out var link)) return entries.GetValueOrDefault(current);
            var next = link.Type == '1' ? Normalize("", link.Target) : Normalize(DirectoryOf(current), link.Target);
            if (next is null) return null;
            current = next;
        }
        return null;
    }

    private static string DirectoryOf(string name) => name.LastIndexOf('/') is var slash and >= 0 ? name[..slash] : "";

    /// <summary><paramref name="target"/> resolved against <paramref name="directory"/>; null when absolute or above the root.</summary>
    internal static string? Normalize(string directory, string target)
    {
        if (target.Length == 0 || target[0] == '/' || target.Contains('\\')) return null;
        var parts = new List<string>(directory.Length == 0 ? [] : directory.Split('/'));
        foreach (var part in target.Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count == 0) return null;
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    public override Stream OpenRead(string name)
    {
        var entry = Entries[name];
        var file = _open();
        file.Position = Math.Min(entry.Offset, file.Length);
        return new BoundedStream(file, entry.Size);
    }
}
