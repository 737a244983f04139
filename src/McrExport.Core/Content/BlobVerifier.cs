using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Content;

/// <summary>Checks bytes against a descriptor: size first (no extra bytes), then the digest.</summary>
public static class BlobVerifier
{
    public static void Check(Descriptor descriptor, ReadOnlySpan<byte> bytes, string? source = null)
    {
        if (bytes.Length != descriptor.Size)
            throw new DigestMismatchException(
                $"blob {descriptor.Digest}{From(source)} has {bytes.Length} bytes, the descriptor says {descriptor.Size}");
        var actual = Digest.Compute(bytes, descriptor.Digest.Algorithm);
        if (actual != descriptor.Digest)
            throw new DigestMismatchException($"blob {descriptor.Digest}{From(source)} hashes to {actual}");
    }

    internal static string From(string? source) => source is null ? "" : $" from {source}";
}
