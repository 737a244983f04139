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

    /// <summary>
    /// Like <see cref="SameContentAs"/>, but a change time that moved together with the link count (a hard link to
    /// the file made or removed, as an <c>-f oci</c> output and its deletion do) is taken as no change of content.
    /// A stamp without a link count (0) needs the change time to match.
    /// </summary>
    public bool SameContentOrLinkedAs(FileIdentity stamp) =>
        Device == stamp.Device && Inode == stamp.Inode && Size == stamp.Size && ModifyTimeNs == stamp.ModifyTimeNs
        && (ChangeTimeNs == stamp.ChangeTimeNs || (stamp.Links != 0 && Links != stamp.Links));

    /// <summary>One line: <c>dev ino size ctime mtime links</c>, for <see cref="TryParse"/>.</summary>
    public string Stamp => $"{Device} {Inode} {Size} {ChangeTimeNs} {ModifyTimeNs} {Links}";

    /// <summary>Reads a <see cref="Stamp"/> line back (kind and mode are not part of it; an older line has no link count).</summary>
    public static FileIdentity? TryParse(string stamp)
    {
        var parts = stamp.Trim().Split(' ');
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        uint links = 0;
        if (parts.Length is not (5 or 6)
            || !ulong.TryParse(parts[0], inv, out var device) || !ulong.TryParse(parts[1], inv, out var inode)
            || !long.TryParse(parts[2], inv, out var size) || !long.TryParse(parts[3], inv, out var ctime)
            || !long.TryParse(parts[4], inv, out var mtime)
            || (parts.Length == 6 && !uint.TryParse(parts[5], inv, out links)))
            return null;
        return new FileIdentity(FileKind.Regular, device, inode, size, ctime, mtime, 0, links);
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
