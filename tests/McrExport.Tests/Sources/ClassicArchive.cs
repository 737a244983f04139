using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace McrExport.Tests.Sources;

/// <summary>
/// A classic <c>docker save</c> archive (Docker ≤ 24): <c>&lt;v1-id&gt;/layer.tar</c>, <c>&lt;v1-id&gt;/json</c>,
/// <c>&lt;config-hex&gt;.json</c>, <c>manifest.json</c>, <c>repositories</c>; any file can be replaced or left out.
/// </summary>
public sealed class ClassicArchive
{
    public const string RepoTag = "bad/img:v1";
    public static readonly string V1Id = new('a', 64);

    public ClassicArchive()
    {
        Layer = LayerTar(("hello.txt", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello\n", 200)))));
        DiffId = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Layer));
        Config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[""" + $"\"{DiffId}\"]}}}}");
        ConfigHex = Convert.ToHexStringLower(SHA256.HashData(Config));
        Files = new()
        {
            [$"{V1Id}/VERSION"] = "1.0"u8.ToArray(),
            [$"{V1Id}/json"] = Encoding.UTF8.GetBytes($$"""{"id":"{{V1Id}}","os":"linux"}"""),
            [LayerPath] = Layer,
            [$"{ConfigHex}.json"] = Config,
            ["manifest.json"] = Encoding.UTF8.GetBytes($$"""[{"Config":"{{ConfigHex}}.json","RepoTags":["{{RepoTag}}"],"Layers":["{{LayerPath}}"]}]"""),
            ["repositories"] = Encoding.UTF8.GetBytes("{\"bad/img\":{\"v1\":\"" + V1Id + "\"}}"),
        };
    }

    public static string LayerPath => $"{V1Id}/layer.tar";

    public byte[] Layer { get; }

    public string DiffId { get; }

    public byte[] Config { get; }

    public string ConfigHex { get; }

    /// <summary>The files in the order they are written; change or remove any before <see cref="Write"/>.</summary>
    public Dictionary<string, byte[]> Files { get; }

    public string Write(string path)
    {
        using var file = File.Create(path);
        using var writer = new TarWriter(file, TarEntryFormat.Ustar);
        foreach (var (name, content) in Files)
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        return path;
    }

    public static byte[] LayerTar(params (string Name, byte[] Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
            foreach (var (name, content) in files)
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        return buffer.ToArray();
    }
}
