using System.Formats.Tar;

namespace McrExport.Tests.AirGap;

/// <summary>Copies a tar, replacing the content of some entries.</summary>
public static class ArchiveRewriter
{
    public static void Replace(string source, string target, IReadOnlyDictionary<string, byte[]> replacements)
    {
        using var input = File.OpenRead(source);
        using var output = File.Create(target);
        using var reader = new TarReader(input);
        using var writer = new TarWriter(output, TarEntryFormat.Pax);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            if (replacements.TryGetValue(entry.Name, out var bytes))
            {
                var replaced = new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { DataStream = new MemoryStream(bytes) };
                writer.WriteEntry(replaced);
                continue;
            }
            writer.WriteEntry(entry);
        }
    }
}
