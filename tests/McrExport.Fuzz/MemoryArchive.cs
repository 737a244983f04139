using McrExport.Archive;

namespace McrExport.Fuzz;

/// <summary>An archive held in memory (a folder's view: name to bytes), so a target can put fuzzed files among fixed ones.</summary>
public sealed class MemoryArchive : ImageArchive
{
    private readonly IReadOnlyDictionary<string, byte[]> _files;

    public MemoryArchive(IReadOnlyDictionary<string, byte[]> files)
        : base("fuzz", files.ToDictionary(f => f.Key, f => new ArchiveEntry(f.Key, 0, f.Value.Length), StringComparer.Ordinal), [])
        => _files = files;

    public override bool IsFolder => true;

    public override Stream OpenRead(string name) => new MemoryStream(_files[name], writable: false);
}
