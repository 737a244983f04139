using System.Buffers;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Model;
using ZstdSharp;

namespace McrExport.Output;

/// <summary>
/// A layer decompressed to a temporary file and checked against its diff_id, so its size is known before it goes
/// into a tar. Disposing deletes the file.
/// </summary>
public sealed class StagedLayer : IDisposable
{
    private const int BufferSize = 1 << 20;

    private StagedLayer(string path, long size)
    {
        Path = path;
        Size = size;
    }

    public string Path { get; }

    public long Size { get; }

    /// <summary>Decompresses <paramref name="layer"/> into <paramref name="directory"/>, hashing as it goes.</summary>
    /// <exception cref="DigestMismatchException">the decompressed bytes do not hash to <paramref name="diffId"/>.</exception>
    public static async Task<StagedLayer> CreateAsync(IBlobReader blobs, Descriptor layer, Digest diffId, int index,
        string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, $".mcr-export-{Leftovers.NewTag()}-layer-{diffId.Short}.tar");
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hasher = diffId.CreateHasher();
            long size = 0;
            await using (var compressed = blobs.OpenRead(layer.Digest))
            await using (var decompressed = Decompress(compressed, MediaTypes.CompressionOf(layer.MediaType)))
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize,
                             FileOptions.Asynchronous))
            {
                int read;
                while ((read = await decompressed.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hasher.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    size += read;
                }
            }
            var actual = Digest.FromHash(diffId.Algorithm, hasher.GetHashAndReset());
            if (actual != diffId)
                throw new DigestMismatchException(
                    $"layer {index} ({layer.Digest}) decompresses to {actual}, but the config's diff_id is {diffId}");
            return new StagedLayer(path, size);
        }
        catch (IOException e) when (DiskErrors.IsDiskFull(e))
        {
            Delete(path);
            throw DiskErrors.Full(directory, layer.Size, e);
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException)
        {
            Delete(path);
            throw new DigestMismatchException($"layer {index} ({layer.Digest}) could not be decompressed: {e.Message}");
        }
        catch
        {
            Delete(path);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Stream Decompress(Stream compressed, LayerCompression compression) => compression switch
    {
        LayerCompression.Gzip => new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionMode.Decompress),
        LayerCompression.Zstd => new DecompressionStream(compressed),
        _ => compressed,
    };

    public Stream OpenRead() =>
        new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan | FileOptions.Asynchronous);

    public void Dispose() => Delete(Path);

    private static void Delete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
