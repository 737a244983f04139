using McrExport.Model;

namespace McrExport.Registry;

/// <summary>A manifest or index as the registry served it: the exact bytes, the Content-Type, and their digest.</summary>
public sealed record ManifestResponse(ReadOnlyMemory<byte> Bytes, string? ContentType, Digest Digest);
