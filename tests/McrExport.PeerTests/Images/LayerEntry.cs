namespace McrExport.PeerTests.Images;

/// <summary>One entry of a layer tar. Paths are relative, '/'-separated, without a leading slash.</summary>
public abstract record LayerEntry(string Path);

public sealed record DirectoryEntry(string Path, int Mode = 0b111_101_101) : LayerEntry(Path);

public sealed record FileEntry(string Path, byte[] Content, int Mode = 0b110_100_100) : LayerEntry(Path)
{
    public static FileEntry Text(string path, string text) => new(path, System.Text.Encoding.UTF8.GetBytes(text));
}

public sealed record SymlinkEntry(string Path, string Target) : LayerEntry(Path);

/// <summary>A hard link to <see cref="Target"/>, a path written earlier in the same layer.</summary>
public sealed record HardLinkEntry(string Path, string Target) : LayerEntry(Path);

/// <summary>Deletes <see cref="Path"/> from the layers below: written as <c>dir/.wh.name</c>.</summary>
public sealed record WhiteoutEntry(string Path) : LayerEntry(Path)
{
    public string MarkerPath
    {
        get
        {
            var slash = Path.LastIndexOf('/');
            return slash < 0 ? ".wh." + Path : Path[..(slash + 1)] + ".wh." + Path[(slash + 1)..];
        }
    }
}
