namespace McrExport.Tests.Support;

/// <summary>
/// Gzip made by hand with stored (uncompressed) deflate blocks, so the bytes are the same on every machine and
/// with every zlib build: the golden files hold layer digests.
/// </summary>
public static class DeterministicGzip
{
    private static readonly uint[] CrcTable = BuildTable();

    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        output.Write([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
        var offset = 0;
        do
        {
            var length = Math.Min(0xFFFF, data.Length - offset);
            var last = offset + length == data.Length;
            output.WriteByte(last ? (byte)1 : (byte)0);
            WriteUInt16(output, (ushort)length);
            WriteUInt16(output, (ushort)~length);
            output.Write(data.Slice(offset, length));
            offset += length;
        } while (offset < data.Length);
        WriteUInt32(output, Crc32(data));
        WriteUInt32(output, (uint)data.Length);
        return output.ToArray();
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    private static void WriteUInt16(Stream s, ushort v)
    {
        s.WriteByte((byte)v);
        s.WriteByte((byte)(v >> 8));
    }

    private static void WriteUInt32(Stream s, uint v)
    {
        for (var i = 0; i < 4; i++) s.WriteByte((byte)(v >> (8 * i)));
    }
}
