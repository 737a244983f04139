using System.Formats.Tar;
using System.Security.Cryptography;
using McrExport.Model;

namespace McrExport.Tests.Support;

/// <summary>One entry read back from a tar.</summary>
public sealed record TarItem(string Name, TarEntryType Type, byte[] Content, UnixFileMode Mode, DateTimeOffset ModificationTime, int Uid, int Gid)
{
    public Digest Sha256 => Digest.FromHash(Digest.Sha256, SHA256.HashData(Content));
}

/// <summary>Reads a tar (with System.Formats.Tar, independent of the writer) into memory.</summary>
public static class TarContents
{
    public static List<TarItem> Read(byte[] tar)
    {
        var items = new List<TarItem>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            items.Add(new TarItem(entry.Name, entry.EntryType, content.ToArray(), entry.Mode, entry.ModificationTime, entry.Uid, entry.Gid));
        }
        return items;
    }

    public static List<TarItem> Read(string path) => Read(File.ReadAllBytes(path));
}

/// <summary>Tar items as name → bytes (regular files only), for lookups by name.</summary>
public static class TarItemExtensions
{
    public static Dictionary<string, byte[]> ToFiles(this IEnumerable<TarItem> items) =>
        items.Where(i => i.Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile).ToDictionary(i => i.Name, i => i.Content, StringComparer.Ordinal);
}
