using System.Text;

namespace McrExport.Tests.Hostile.Files;

/// <summary>Tar members written byte by byte, so a test can put any value in any header field.</summary>
public static class CraftedTar
{
    /// <summary>A ustar header for <paramref name="name"/> with <paramref name="sizeField"/> (12 bytes) as its size field.</summary>
    public static byte[] Header(string name, byte[] sizeField, char type = '0')
    {
        if (sizeField.Length != 12) throw new ArgumentException("a size field has 12 bytes", nameof(sizeField));
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        sizeField.CopyTo(header, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        for (var i = 148; i < 156; i++) header[i] = (byte)' ';
        var sum = header.Sum(b => (long)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header;
    }

    /// <summary>An octal size field.</summary>
    public static byte[] Octal(long size) => Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0");

    /// <summary>A GNU base-256 size field (two's complement, so negative values can be written).</summary>
    public static byte[] Base256(long value)
    {
        var field = new byte[12];
        var fill = value < 0 ? (byte)0xff : (byte)0;
        for (var i = 0; i < 4; i++) field[i] = fill;
        for (var i = 0; i < 8; i++) field[11 - i] = (byte)(value >> (8 * i));
        field[0] = value < 0 ? (byte)0xff : (byte)0x80;
        return field;
    }

    /// <summary>A regular member with its data, padded to the block size.</summary>
    public static byte[] File(string name, byte[] data)
    {
        var padded = new byte[(data.Length + 511) / 512 * 512];
        data.CopyTo(padded, 0);
        return [.. Header(name, Octal(data.Length)), .. padded];
    }

    /// <summary>The end-of-archive marker: two zero blocks.</summary>
    public static byte[] End() => new byte[1024];
}
