using System.Formats.Tar;
using System.Text.Json.Nodes;
using McrExport.Model;

namespace McrExport.PeerTests.Images;

/// <summary>A <c>docker load</c> tar read into memory: its manifest.json's first image, its config and its files.</summary>
public sealed class SavedArchive
{
    private SavedArchive(IReadOnlyDictionary<string, byte[]> files)
    {
        Files = files;
        var manifest = JsonNode.Parse(files["manifest.json"])!.AsArray();
        var first = manifest[0]!;
        ImageCount = manifest.Count;
        ConfigPath = (string)first["Config"]!;
        RepoTags = first["RepoTags"]?.AsArray().Select(tag => (string)tag!).ToList() ?? [];
        LayerPaths = first["Layers"]!.AsArray().Select(path => (string)path!).ToList();
        ConfigBytes = files[ConfigPath];
        ConfigDigest = Digest.Compute(ConfigBytes);
        LayerDiffIds = JsonNode.Parse(ConfigBytes)!["rootfs"]!["diff_ids"]!.AsArray()
            .Select(id => Digest.Parse((string?)id)).ToList();
        LayerSources = first["LayerSources"]?.AsObject();
    }

    public IReadOnlyDictionary<string, byte[]> Files { get; }

    public int ImageCount { get; }

    public string ConfigPath { get; }

    public byte[] ConfigBytes { get; }

    public Digest ConfigDigest { get; }

    public IReadOnlyList<string> RepoTags { get; }

    public IReadOnlyList<string> LayerPaths { get; }

    /// <summary>The config's <c>rootfs.diff_ids</c>, in order.</summary>
    public IReadOnlyList<Digest> LayerDiffIds { get; }

    public JsonObject? LayerSources { get; }

    public static SavedArchive Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    public static SavedArchive Read(Stream stream)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            using var copy = new MemoryStream();
            entry.DataStream.CopyTo(copy);
            files[Normalize(entry.Name)] = copy.ToArray();
        }
        return new SavedArchive(files);
    }

    /// <summary>The sha256 of each layer file exactly as stored in the archive.</summary>
    public IReadOnlyList<Digest> LayerFileDigests() => LayerPaths.Select(path => Digest.Compute(Files[path])).ToList();

    /// <summary>The sha256 of each layer file once decompressed (gzip and zstd recognised by their magic bytes).</summary>
    public IReadOnlyList<Digest> LayerUncompressedDigests() =>
        LayerPaths.Select(path => Digest.Compute(Compression.Decompress(Files[path]))).ToList();

    private static string Normalize(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;
}
