using System.Formats.Tar;
using System.IO.Compression;
using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>
/// A test layer: its blob bytes (usually a gzip'd tar), blob digest, diff_id (digest of the uncompressed tar),
/// media type and, for foreign layers, the URLs it is fetched from. Built deterministically.
/// </summary>
public sealed record Layer(byte[] Bytes, Digest Digest, Digest DiffId, string MediaType)
{
    /// <summary>Every entry's modification time.</summary>
    public static readonly DateTimeOffset FixedTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public long Size => Bytes.LongLength;

    public IReadOnlyList<string>? Urls { get; init; }

    public bool IsForeign => MediaTypes.IsForeignLayer(MediaType);

    public Descriptor Descriptor => new(MediaType, Digest, Size) { Urls = Urls };

    /// <summary>A gzip'd tar holding <paramref name="files"/> (mode 0644, uid/gid 0, fixed mtime).</summary>
    public static Layer FromFiles(params LayerFile[] files) => FromFiles(MediaTypes.DockerLayerGzip, files);

    /// <summary>As <see cref="FromFiles(LayerFile[])"/>, with the given media type (gzip'd).</summary>
    public static Layer FromFiles(string mediaType, params LayerFile[] files)
    {
        var tar = Tar(files);
        return Compress(tar, mediaType, CompressionLevel.SmallestSize);
    }

    /// <summary>
    /// A layer of about <paramref name="sizeBytes"/> incompressible bytes: one file of seeded random data in a tar,
    /// gzip'd without compression. The same seed and size always give the same bytes.
    /// </summary>
    public static Layer Random(int sizeBytes, int seed, string mediaType = MediaTypes.DockerLayerGzip)
    {
        var data = new byte[sizeBytes];
        new System.Random(seed).NextBytes(data);
        var tar = Tar([new LayerFile($"random-{seed}.bin", data)]);
        return Compress(tar, mediaType, CompressionLevel.NoCompression);
    }

    /// <summary>The same bytes as a foreign layer fetched from <paramref name="urls"/>.</summary>
    public Layer AsForeign(params Uri[] urls) => this with
    {
        MediaType = MediaTypes.DockerForeignLayerGzip,
        Urls = urls.Select(u => u.OriginalString).ToList(),
    };

    /// <summary>A deterministic uncompressed tar of <paramref name="files"/>.</summary>
    public static byte[] Tar(IEnumerable<LayerFile> files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var entry = new UstarTarEntry(TarEntryType.RegularFile, file.Path)
                {
                    ModificationTime = FixedTime,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    Uid = 0,
                    Gid = 0,
                    DataStream = new MemoryStream(file.Content, writable: false),
                };
                writer.WriteEntry(entry);
            }
        }
        return buffer.ToArray();
    }

    private static Layer Compress(byte[] tar, string mediaType, CompressionLevel level)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, level, leaveOpen: true)) gzip.Write(tar);
        var bytes = buffer.ToArray();
        return new Layer(bytes, Digest.Compute(bytes), Digest.Compute(tar), mediaType);
    }
}
