using System.Formats.Tar;

namespace McrExport.Tests.Support;

/// <summary>Reads a tar into name → bytes (regular files) for assertions; directories listed with a trailing slash.</summary>
public static class TarContents
{
    public static Dictionary<string, byte[]> Read(Stream stream)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(stream, leaveOpen: true);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType == TarEntryType.Directory) { result[entry.Name.TrimEnd('/') + "/"] = []; continue; }
            using var ms = new MemoryStream();
            entry.DataStream?.CopyTo(ms);
            result[entry.Name] = ms.ToArray();
        }
        return result;
    }

    public static Dictionary<string, byte[]> Read(string path)
    {
        using var file = File.OpenRead(path);
        return Read(file);
    }
}
