namespace McrExport.Archive;

/// <summary>One regular file of an archive or folder: its name (forward slashes), where its bytes start and how many.</summary>
public sealed record ArchiveEntry(string Name, long Offset, long Size);
