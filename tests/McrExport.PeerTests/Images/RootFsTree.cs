using System.Text;

namespace McrExport.PeerTests.Images;

/// <summary>
/// A root filesystem as a map of paths to what is there: made by applying layers in order (whiteouts delete from
/// below), or read from a folder on disk, so the two can be compared.
/// </summary>
public sealed class RootFsTree
{
    public sealed record Node(char Type, string? LinkTarget, byte[]? Content, string? Inode);

    private readonly SortedDictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly List<(string Path, string Target)> _hardLinks = [];

    public IReadOnlyDictionary<string, Node> Nodes => _nodes;

    /// <summary>Pairs of paths that must be the same file.</summary>
    public IReadOnlyList<(string Path, string Target)> HardLinks => _hardLinks;

    public static RootFsTree Apply(IEnumerable<LayerBlob> layers)
    {
        var tree = new RootFsTree();
        foreach (var layer in layers)
        foreach (var entry in layer.Entries)
        {
            var path = entry.Path.TrimEnd('/');
            switch (entry)
            {
                case WhiteoutEntry:
                    foreach (var key in tree._nodes.Keys.Where(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
                        tree._nodes.Remove(key);
                    tree._hardLinks.RemoveAll(link => link.Path == path || link.Target == path);
                    break;
                case DirectoryEntry:
                    tree._nodes[path] = new Node('d', null, null, null);
                    break;
                case FileEntry file:
                    tree._nodes[path] = new Node('f', null, file.Content, null);
                    break;
                case SymlinkEntry link:
                    tree._nodes[path] = new Node('l', link.Target, null, null);
                    break;
                case HardLinkEntry hard:
                    tree._nodes[path] = tree._nodes[hard.Target.TrimEnd('/')];
                    tree._hardLinks.Add((path, hard.Target.TrimEnd('/')));
                    break;
            }
        }
        return tree;
    }

    /// <summary>Reads a folder with <c>find</c>, which reports types, inodes and link targets.</summary>
    public static async Task<RootFsTree> ReadAsync(string root, CancellationToken cancellationToken)
    {
        var listing = (await ProcessRunner.RunAsync("find", [root, "-mindepth", "1", "-printf", "%P\\0%y\\0%i\\0%l\\0"],
            cancellationToken: cancellationToken)).EnsureSuccess().StdOut;
        var fields = listing.Split('\0');
        var tree = new RootFsTree();
        for (var i = 0; i + 3 < fields.Length; i += 4)
        {
            var (path, type, inode, target) = (fields[i], fields[i + 1][0], fields[i + 2], fields[i + 3]);
            var content = type == 'f' ? await File.ReadAllBytesAsync(Path.Combine(root, path), cancellationToken) : null;
            tree._nodes[path] = new Node(type, type == 'l' ? target : null, content, inode);
        }
        return tree;
    }

    /// <summary>Every difference between <paramref name="expected"/> and <paramref name="actual"/>, one a line.</summary>
    public static string Differences(RootFsTree expected, RootFsTree actual)
    {
        var text = new StringBuilder();
        foreach (var (path, node) in expected._nodes)
        {
            if (!actual._nodes.TryGetValue(path, out var found)) { text.AppendLine($"missing: {path}"); continue; }
            if (found.Type != node.Type) text.AppendLine($"{path}: type {found.Type}, expected {node.Type}");
            else if (node.Type == 'l' && found.LinkTarget != node.LinkTarget)
                text.AppendLine($"{path}: links to {found.LinkTarget}, expected {node.LinkTarget}");
            else if (node.Type == 'f' && !node.Content!.AsSpan().SequenceEqual(found.Content))
                text.AppendLine($"{path}: content differs");
        }
        foreach (var path in actual._nodes.Keys.Where(path => !expected._nodes.ContainsKey(path)))
            text.AppendLine($"unexpected: {path}");
        foreach (var (path, target) in expected._hardLinks)
        {
            if (actual._nodes.TryGetValue(path, out var a) && actual._nodes.TryGetValue(target, out var b) && a.Inode != b.Inode)
                text.AppendLine($"{path}: not a hard link of {target}");
        }
        return text.ToString();
    }
}
