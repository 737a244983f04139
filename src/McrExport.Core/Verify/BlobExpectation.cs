using McrExport.Model;

namespace McrExport.Verify;

/// <summary>What a blob must be: its size (-1 when only the name says it) and, for a layer, how it decompresses to which diff_id.</summary>
public sealed record BlobExpectation(long Size, LayerCompression? Compression, Digest? DiffId, string Role);
