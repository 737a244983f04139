using System.Text;

namespace McrExport.Archive;

/// <summary>
/// Reads a tar's headers (ustar, pax <c>x</c> records, GNU <c>L</c>/<c>K</c> long names) and seeks over the data, so
/// each file's offset is known without reading its bytes. Everything is bounded by the file: checksums are checked,
/// a size below zero, past the end of the file or not a number ends the walk with a problem, and the read position
/// only ever moves forward (at least one block per header), so a walk takes at most <c>length / 512</c> steps.
/// </summary>
internal static class TarIndex
{
    public const int Block = 512;

    /// <summary>The largest pax or GNU long-name record read into memory.</summary>
    public const int MaxExtendedHeader = 1 << 20;

    /// <summary>The largest size an 11-digit octal field holds (8 GiB - 1).</summary>
    private const long MaxOctalSize = (1L << 33) - 1;

    /// <summary>One member: its name, tar type, where its data starts and how long it is, and a link's target.</summary>
    public sealed record Item(string Name, char Type, long Offset, long Size, string? LinkName = null);

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
            if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0) return (items, null);
            if (!ChecksumOk(header)) return (items, $"the header at byte {position} is damaged (bad checksum)");

            var type = (char)header[156];
            var name = Text(header.AsSpan(0, 100));
            if (Text(header.AsSpan(257, 5)) == "ustar" && Text(header.AsSpan(345, 155)) is { Length: > 0 } prefix) name = prefix + "/" + name;
            var shown = longName ?? name;
            var headerSize = ParseNumber(header.AsSpan(124, 12));
            if (headerSize is null) return (items, $"the size field of '{shown}' at byte {position} is not a number");
            // A pax size replaces the header's (which may be 0 or saturated for files of 8 GiB and more).
            var size = type is 'x' or 'g' ? headerSize.Value : paxSize ?? headerSize.Value;
            if (size < 0) return (items, $"the size of '{shown}' at byte {position} is negative ({size})");
            var data = position + Block;
            if (size > length - data)
                return (items, $"the tar is truncated inside '{shown}' ({Math.Max(0, length - data)} of {size} bytes present)");
            var next = data + (size + Block - 1) / Block * Block;
            if (next <= position) return (items, $"the header at byte {position} does not move forward");
            position = next;

            switch (type)
            {
                case 'x':
                    if (ReadAt(stream, data, size) is not { } pax) return (items, $"the pax header at byte {data - Block} is larger than {MaxExtendedHeader} bytes");
                    foreach (var (key, value) in Pax(pax))
                    {
                        switch (key)
                        {
                            case "path": longName = value; break;
                            case "linkpath": longLink = value; break;
                            case "size":
                                if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s))
                                    return (items, $"the pax size '{value}' at byte {data - Block} is not a number");
                                paxSize = s;
                                break;
                        }
                    }
                    continue;
                case 'g':
                    continue;
                case 'L' or 'K':
                    if (ReadAt(stream, data, size) is not { } text) return (items, $"the long name at byte {data - Block} is larger than {MaxExtendedHeader} bytes");
                    var longText = Encoding.UTF8.GetString(text).TrimEnd('\0');
                    if (type == 'L') longName = longText;
                    else longLink = longText;
                    continue;
            }
            // A header size that is set (not 0 and not the largest octal, as writers leave it for 8 GiB and more) must agree with the pax size.
            if (paxSize is { } ps && headerSize.Value is not 0 and not MaxOctalSize && headerSize.Value != ps && type is not ('x' or 'g'))
                return (items, $"the pax size of '{shown}' contradicts its header ({ps} and {headerSize.Value})");
            var link = type is '1' or '2' ? longLink ?? Text(header.AsSpan(157, 100)) : null;
            items.Add(new Item(shown, type == '\0' ? '0' : type, data, size, link));
            longName = null;
            longLink = null;
            paxSize = null;
        }
    }

    private static byte[]? ReadAt(Stream stream, long offset, long size)
    {
        if (size > MaxExtendedHeader) return null;
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
            if (space < 0 || space - i > 10 || !int.TryParse(Encoding.ASCII.GetString(data, i, space - i), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var length)
                || length <= space - i || length > data.Length - i)
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

    /// <summary>
    /// An octal field, or GNU base-256 (first byte 0x80 positive, 0xff negative, big-endian two's complement); null
    /// when it is neither or does not fit in 63 bits.
    /// </summary>
    internal static long? ParseNumber(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            var negative = (field[0] & 0x40) != 0;
            // Sign-extend the 7 low bits of the first byte; every later byte is a full byte of the value.
            long value = negative ? ~0L << 7 | (long)(field[0] & 0x7f) : field[0] & 0x7f;
            for (var i = 1; i < field.Length; i++)
            {
                if (negative ? value < long.MinValue >> 8 : value > long.MaxValue >> 8) return null;
                value = (value << 8) | field[i];
            }
            return value;
        }
        long result = 0;
        var digits = false;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ') { if (digits) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') return null;
            digits = true;
            if (result > long.MaxValue >> 3) return null;
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
