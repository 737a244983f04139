using System.Formats.Tar;
using System.IO.Compression;
using McrExport.Model;

namespace McrExport.PeerTests.Images;

/// <summary>A layer as a registry holds it: the uncompressed tar (its digest is the diff_id) and the blob bytes.</summary>
public sealed class LayerBlob
{
    private static readonly DateTimeOffset Epoch = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private LayerBlob(IReadOnlyList<LayerEntry> entries, byte[] tar, byte[] blob, string mediaType)
    {
        Entries = entries;
        Tar = tar;
        Blob = blob;
        MediaType = mediaType;
        DiffId = Digest.Compute(tar);
        Digest = Digest.Compute(blob);
    }

    public IReadOnlyList<LayerEntry> Entries { get; }

    public byte[] Tar { get; }

    public byte[] Blob { get; }

    public string MediaType { get; }

    public Digest DiffId { get; }

    public Digest Digest { get; }

    /// <summary>Where the bytes may also be fetched (foreign layers).</summary>
    public IReadOnlyList<string>? Urls { get; init; }

    public LayerBlob WithUrls(IReadOnlyList<string> urls) => new(Entries, Tar, Blob, MediaType) { Urls = urls };

    /// <summary>Builds a deterministic tar of <paramref name="entries"/>, compressed as <paramref name="mediaType"/> says.</summary>
    public static LayerBlob Build(string mediaType, IReadOnlyList<LayerEntry> entries)
    {
        var tar = WriteTar(entries);
        var blob = MediaTypes.CompressionOf(mediaType) switch
        {
            LayerCompression.Gzip => Gzip(tar),
            LayerCompression.Zstd => Zstd(tar),
            _ => tar,
        };
        return new LayerBlob(entries, tar, blob, mediaType);
    }

    private static byte[] WriteTar(IReadOnlyList<LayerEntry> entries)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                GnuTarEntry tarEntry = entry switch
                {
                    DirectoryEntry d => new GnuTarEntry(TarEntryType.Directory, d.Path.TrimEnd('/') + "/")
                        { Mode = (UnixFileMode)d.Mode },
                    FileEntry f => new GnuTarEntry(TarEntryType.RegularFile, f.Path)
                        { Mode = (UnixFileMode)f.Mode, DataStream = new MemoryStream(f.Content) },
                    SymlinkEntry s => new GnuTarEntry(TarEntryType.SymbolicLink, s.Path)
                        { Mode = (UnixFileMode)0b111_111_111, LinkName = s.Target },
                    HardLinkEntry h => new GnuTarEntry(TarEntryType.HardLink, h.Path)
                        { Mode = (UnixFileMode)0b110_100_100, LinkName = h.Target },
                    WhiteoutEntry w => new GnuTarEntry(TarEntryType.RegularFile, w.MarkerPath)
                        { Mode = (UnixFileMode)0b110_100_100 },
                    _ => throw new ArgumentOutOfRangeException(nameof(entries), entry, "unknown entry"),
                };
                tarEntry.ModificationTime = Epoch;
                tarEntry.AccessTime = Epoch;
                tarEntry.ChangeTime = Epoch;
                tarEntry.Uid = 0;
                tarEntry.Gid = 0;
                tarEntry.UserName = "root";
                tarEntry.GroupName = "root";
                writer.WriteEntry(tarEntry);
            }
        }
        return output.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    private static byte[] Zstd(byte[] data)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(data).ToArray();
    }
}
