namespace McrExport.Content;

/// <summary>
/// What the file system says about one file: its kind, which inode it is, how long, when its data or its inode last
/// changed, and its permission bits. Two equal identities of one path mean nothing was written, renamed over or
/// chmod-ed in between (the change time moves with every one of those, and no user can set it back).
/// </summary>
public sealed record FileIdentity(FileKind Kind, ulong Device, ulong Inode, long Size, long ChangeTimeNs, long ModifyTimeNs, int Mode, uint Links)
{
    /// <summary>The permission bits (the low 12 bits of the mode).</summary>
    public int Permissions => Mode & 0xfff;

    /// <summary>True when no one may write the file through its mode (a read-only file, e.g. 0444).</summary>
    public bool IsReadOnly => (Mode & 0x92) == 0;

    /// <summary>Same inode, size and change time: the file holds what it held when <paramref name="other"/> was taken.</summary>
    public bool SameContentAs(FileIdentity other) =>
        Device == other.Device && Inode == other.Inode && Size == other.Size && ChangeTimeNs == other.ChangeTimeNs
        && ModifyTimeNs == other.ModifyTimeNs;

    /// <summary>One line: <c>dev ino size ctime mtime</c>, for <see cref="TryParse"/>.</summary>
    public string Stamp => $"{Device} {Inode} {Size} {ChangeTimeNs} {ModifyTimeNs}";

    /// <summary>Reads a <see cref="Stamp"/> line back (kind, mode and link count are not part of it).</summary>
    public static FileIdentity? TryParse(string stamp)
    {
        var parts = stamp.Trim().Split(' ');
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (parts.Length != 5
            || !ulong.TryParse(parts[0], inv, out var device) || !ulong.TryParse(parts[1], inv, out var inode)
            || !long.TryParse(parts[2], inv, out var size) || !long.TryParse(parts[3], inv, out var ctime)
            || !long.TryParse(parts[4], inv, out var mtime))
            return null;
        return new FileIdentity(FileKind.Regular, device, inode, size, ctime, mtime, 0, 0);
    }
}

/// <summary>The kind of a file system entry, from its mode.</summary>
public enum FileKind
{
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Unknown,
}
