using System.Buffers;
using System.Security.Cryptography;
using McrExport.Model;
using ZstdSharp;

namespace McrExport.Verify;

/// <summary>
/// What one pass over a blob found: its digest and size and, for a layer, the digest of its decompressed bytes
/// (hashed in the same pass) or why it did not decompress.
/// </summary>
public sealed record BlobScan(Digest Digest, long Size, Digest? DiffId, string? DecompressError)
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// How far a layer may expand by default: generous for real images (Windows base layers expand to about 10 GB),
    /// and a bound on a decompression bomb (a 32 MiB zstd layer can expand to 1 TiB).
    /// </summary>
    public const long DefaultExpansionLimit = 64L << 30;

    /// <summary>The option that sets the limit, named in the message when a layer passes it.</summary>
    public const string ExpansionLimitOption = "--max-uncompressed-size";

    /// <summary>Reads <paramref name="stream"/> once; decompresses with <paramref name="compression"/> when it is given.</summary>
    public static Task<BlobScan> RunAsync(Stream stream, string algorithm, LayerCompression? compression, CancellationToken cancellationToken) =>
        RunAsync(stream, algorithm, compression, DefaultExpansionLimit, cancellationToken);

    /// <summary>
    /// Reads <paramref name="stream"/> once; decompresses with <paramref name="compression"/> when it is given, and stops
    /// decompressing (a <see cref="DecompressError"/>) once more than <paramref name="expansionLimit"/> bytes came out.
    /// </summary>
    public static async Task<BlobScan> RunAsync(Stream stream, string algorithm, LayerCompression? compression, long expansionLimit,
        CancellationToken cancellationToken)
    {
        var hashing = new HashingStream(stream, algorithm);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            Digest? diffId = null;
            string? error = null;
            if (compression is { } c)
            {
                using var diffHasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                try
                {
                    await using var decompressed = Decompress(hashing, c);
                    int read;
                    long expanded = 0;
                    while ((read = await decompressed.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        expanded += read;
                        if (expanded > expansionLimit)
                        {
                            error = $"it expands to more than {Content.DiskErrors.FormatSize(expansionLimit)}, the limit {ExpansionLimitOption} sets " +
                                $"(after {Content.DiskErrors.FormatSize(hashing.Count)} of its bytes); raise it if the layer is real";
                            break;
                        }
                        diffHasher.AppendData(buffer, 0, read);
                    }
                    if (error is null) diffId = Digest.FromHash(Digest.Sha256, diffHasher.GetHashAndReset());
                }
                catch (Exception e) when (e is InvalidDataException or ZstdException or EndOfStreamException)
                {
                    error = e.Message;
                }
            }
            while (await hashing.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false) > 0) { }
            return new BlobScan(hashing.Result(), hashing.Count, diffId, error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Stream Decompress(Stream compressed, LayerCompression compression) => compression switch
    {
        LayerCompression.Gzip => new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true),
        LayerCompression.Zstd => new DecompressionStream(compressed, leaveOpen: true),
        _ => new NonClosingStream(compressed),
    };

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
