using System.Formats.Tar;
using System.Text;

namespace McrExport.Fuzz;

/// <summary>
/// Seeds that hold digests of the sample image, so they are generated rather than written by hand: a valid
/// <c>index.json</c> and <c>manifest.json</c> for the sample, and the sample as tars in each header format.
/// </summary>
public static class Seeds
{
    public static void Write(string root)
    {
        Save(root, "oci-layout", "index.json", SampleImage.Index);
        Save(root, "docker-archive", "manifest.json", SampleImage.DockerManifest);
        foreach (var format in new[] { TarEntryFormat.V7, TarEntryFormat.Ustar, TarEntryFormat.Pax, TarEntryFormat.Gnu })
            Save(root, "tar", $"docker-{format.ToString().ToLowerInvariant()}.tar", TarOf(SampleImage.DockerFiles(SampleImage.DockerManifest), format));
        var layout = SampleImage.LayoutFiles(SampleImage.Index);
        Save(root, "tar", "oci-pax.tar", TarOf(layout, TarEntryFormat.Pax));
    }

    private static void Save(string root, string target, string name, byte[] bytes)
    {
        var folder = Path.Combine(root, target);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, name), bytes);
    }

    /// <summary>The files as a tar; the layer's folder as a directory entry, and a second layer name as a symbolic link where the format has links.</summary>
    private static byte[] TarOf(IReadOnlyDictionary<string, byte[]> files, TarEntryFormat format)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, format, leaveOpen: true))
        {
            foreach (var (name, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = Entry(format, TarEntryType.RegularFile, name);
                entry.DataStream = new MemoryStream(bytes);
                writer.WriteEntry(entry);
            }
            var link = Entry(format, TarEntryType.SymbolicLink, "layer-link.tar");
            link.LinkName = files.Keys.First(k => k.EndsWith("layer.tar", StringComparison.Ordinal) || k.StartsWith("blobs/", StringComparison.Ordinal));
            writer.WriteEntry(link);
        }
        return output.ToArray();
    }

    private static TarEntry Entry(TarEntryFormat format, TarEntryType type, string name) => format switch
    {
        TarEntryFormat.V7 => new V7TarEntry(type == TarEntryType.RegularFile ? TarEntryType.V7RegularFile : type, name),
        TarEntryFormat.Ustar => new UstarTarEntry(type, name),
        TarEntryFormat.Pax => new PaxTarEntry(type, name),
        _ => new GnuTarEntry(type, name),
    };

    internal static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
