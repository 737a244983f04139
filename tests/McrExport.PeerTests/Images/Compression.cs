using System.IO.Compression;

namespace McrExport.PeerTests.Images;

/// <summary>Decompresses gzip or zstd data recognised by its magic bytes; anything else is returned as is.</summary>
public static class Compression
{
    public static byte[] Decompress(byte[] data)
    {
        if (data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        {
            using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        if (data.Length >= 4 && data[0] == 0x28 && data[1] == 0xb5 && data[2] == 0x2f && data[3] == 0xfd)
        {
            using var zstd = new ZstdSharp.DecompressionStream(new MemoryStream(data));
            using var output = new MemoryStream();
            zstd.CopyTo(output);
            return output.ToArray();
        }
        return data;
    }
}
