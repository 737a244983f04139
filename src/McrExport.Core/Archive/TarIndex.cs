using System.Text;

namespace McrExport.Archive;

/// <summary>
/// Reads a tar's headers (ustar, pax <c>x</c> records, GNU <c>L</c> long names) and seeks over the data, so each
/// file's offset is known without reading its bytes. Checksums are checked; a damaged header ends the index.
/// </summary>
internal static class TarIndex
{
    public const int Block = 512;

    /// <summary>One header: name, type, where the data starts, its size, and the target of a link (types '1' and '2').</summary>
    public sealed record Item(string Name, char Type, long Offset, long Size)
    {
        public string? LinkName { get; init; }
    }

    /// <summary>The items in file order, and the problem that stopped the walk, if any.</summary>
    public static (List<Item> Items, string? Problem) Read(Stream stream)
    {
        var items = new List<Item>();
        var header = new byte[Block];
        string? longName = null;
        string? longLink = null;
        long? paxSize = null;
        var length = stream.Length;
        long position = 0;
        while (true)
        {
            stream.Position = position;
            var read = stream.ReadAtLeast(header, Block, throwOnEndOfStream: false);
            if (read == 0) return (items, items.Count == 0 ? null : "the tar has no end-of-archive marker (truncated)");
            if (read < Block) return (items, $"the tar ends inside a header at byte {position} (truncated)");
            if (header.All(b => b == 0)) return (items, null);
            if (!ChecksumOk(header)) return (items, $"the header at byte {position} is damaged (bad checksum)");

            var type = (char)header[156];
            var size = ParseNumber(header.AsSpan(124, 12));
            var name = Text(header.AsSpan(0, 100));
            if (Text(header.AsSpan(257, 5)) == "ustar" && Text(header.AsSpan(345, 155)) is { Length: > 0 } prefix) name = prefix + "/" + name;
            var data = position + Block;
            if (data + size > length)
                return (items, $"the tar is truncated inside '{longName ?? name}' ({Math.Max(0, length - data)} of {size} bytes present)");
            position = data + (size + Block - 1) / Block * Block;

            switch (type)
            {
                case 'x':
                    foreach (var (key, value) in Pax(ReadAt(stream, data, size)))
                    {
                        if (key == "path") longName = value;
                        else if (key == "linkpath") longLink = value;
                        else if (key == "size" && long.TryParse(value, out var s)) paxSize = s;
                    }
                    continue;
                case 'g':
                    continue;
                case 'L':
                    longName = Encoding.UTF8.GetString(ReadAt(stream, data, size)).TrimEnd('\0');
                    continue;
                case 'K':
                    longLink = Encoding.UTF8.GetString(ReadAt(stream, data, size)).TrimEnd('\0');
                    continue;
            }
            if (paxSize is { } ps && ps != size) return (items, $"the pax size of '{longName ?? name}' contradicts its header");
            var link = type is '1' or '2' ? longLink ?? Text(header.AsSpan(157, 100)) : null;
            items.Add(new Item(longName ?? name, type == '\0' ? '0' : type, data, size) { LinkName = link });
            longName = null;
            longLink = null;
            paxSize = null;
        }
    }

    private static byte[] ReadAt(Stream stream, long offset, long size)
    {
        if (size > 1 << 20) throw new InvalidDataException("an extended header is larger than 1 MiB");
        var buffer = new byte[size];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        return buffer;
    }

    private static IEnumerable<(string Key, string Value)> Pax(byte[] data)
    {
        var i = 0;
        while (i < data.Length)
        {
            var space = Array.IndexOf(data, (byte)' ', i);
            if (space < 0 || !int.TryParse(Encoding.ASCII.GetString(data, i, space - i), out var length) || length <= 0 || i + length > data.Length)
                yield break;
            var body = Encoding.UTF8.GetString(data, space + 1, i + length - space - 1).TrimEnd('\n');
            var eq = body.IndexOf('=');
            if (eq > 0) yield return (body[..eq], body[(eq + 1)..]);
            i += length;
        }
    }

    private static bool ChecksumOk(byte[] header)
    {
        long sum = 0;
        for (var i = 0; i < Block; i++) sum += i is >= 148 and < 156 ? (byte)' ' : header[i];
        return ParseNumber(header.AsSpan(148, 8)) == sum;
    }

    private static long ParseNumber(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            long value = field[0] & 0x7f;
            for (var i = 1; i < field.Length; i++) value = (value << 8) | field[i];
            return value;
        }
        long result = 0;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ') { if (result > 0) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') throw new InvalidDataException("a tar header number is not octal");
            result = result * 8 + (b - '0');
        }
        return result;
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }
}
