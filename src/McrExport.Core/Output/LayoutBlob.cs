using McrExport.Content;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// One file of <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>: either bytes held in memory (a manifest or config) or a blob read
/// from the store (a layer).
/// </summary>
public sealed record LayoutBlob(Digest Digest, long Size, ReadOnlyMemory<byte>? Bytes)
{
    /// <summary>The path inside the layout, forward slashes.</summary>
    public string Path => PathOf(Digest);

    public static string PathOf(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Encoded}";

    public static string DirectoryOf(Digest digest) => $"blobs/{digest.Algorithm}/";

    /// <summary>Opens the content: the bytes, or the blob from the store.</summary>
    public Stream Open(IBlobReader blobs) =>
        Bytes is { } bytes ? new MemoryStream(bytes.ToArray(), writable: false) : blobs.OpenRead(Digest);
}
