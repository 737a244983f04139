using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// A whole index, ready to be written (<c>--all-platforms</c>): its bytes exactly as served, and every platform's
/// image. OCI layouts store the index as a blob and point <c>index.json</c> at it.
/// </summary>
public sealed record ExportIndex(ImageReference Reference, Descriptor IndexDescriptor, ReadOnlyMemory<byte> IndexBytes, IReadOnlyList<ExportImage> Images);
