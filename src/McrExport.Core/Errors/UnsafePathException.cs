namespace McrExport.Errors;

/// <summary>A path inside an archive or layout would escape it or is malformed (absolute, <c>..</c>, empty parts).</summary>
public sealed class UnsafePathException(string path, string reason)
    : IntegrityException($"unsafe path '{path}' in the output: {reason}")
{
    public string Path { get; } = path;
}
