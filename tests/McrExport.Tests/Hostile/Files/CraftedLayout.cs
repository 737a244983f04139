using System.Formats.Tar;
using System.Text;
using McrExport.Model;
using McrExport.Tests.Fakes;

namespace McrExport.Tests.Hostile.Files;

/// <summary>
/// An OCI image layout written by a test: blobs, one image manifest and its config, and <c>index.json</c> naming the
/// manifest <see cref="Entries"/> times; then changed by the test as an attacker would.
/// </summary>
public sealed class CraftedLayout
{
    private CraftedLayout(string root, Digest manifest, Digest config, IReadOnlyList<Layer> layers)
    {
        Root = root;
        Manifest = manifest;
        Config = config;
        Layers = layers;
    }

    public string Root { get; }

    public Digest Manifest { get; }

    public Digest Config { get; }

    public IReadOnlyList<Layer> Layers { get; }

    public string BlobPath(Digest digest) => Path.Combine(Root, "blobs", digest.Algorithm, digest.Encoded);

    public string Combine(string name) => Path.Combine(Root, name);

    /// <summary>Writes a layout of one image over <paramref name="layers"/>, named <paramref name="entries"/> times in index.json.</summary>
    public static CraftedLayout Write(string root, IReadOnlyList<Layer> layers, int entries = 1, string tag = "hostile/files:1", bool named = true)
    {
        Directory.CreateDirectory(Path.Combine(root, "blobs", "sha256"));
        var config = TestImages.Config(new Platform("linux", "amd64"), layers.Select(l => l.DiffId));
        var configDigest = Digest.Compute(config);
        var manifest = TestImages.Manifest(MediaTypes.OciManifest, new Descriptor(MediaTypes.OciConfig, configDigest, config.Length),
            layers.Select(l => l.Descriptor));
        var manifestDigest = Digest.Compute(manifest);
        File.WriteAllBytes(Blob(root, configDigest), config);
        File.WriteAllBytes(Blob(root, manifestDigest), manifest);
        foreach (var layer in layers.DistinctBy(l => l.Digest)) File.WriteAllBytes(Blob(root, layer.Digest), layer.Bytes);
        var entry = "{\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"digest\":\"" + manifestDigest + "\",\"size\":" + manifest.Length
            + (named ? "" : "}") + (!named ? "" : ",\"annotations\":{\"io.containerd.image.name\":\"127.0.0.1:5000/" + tag + "\",\"org.opencontainers.image.ref.name\":\"" + tag.Split(':')[^1] + "\"}}");
        var index = new StringBuilder("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[""");
        for (var i = 0; i < entries; i++) index.Append(i == 0 ? "" : ",").Append(entry);
        index.Append("]}");
        File.WriteAllText(Path.Combine(root, "index.json"), index.ToString());
        File.WriteAllText(Path.Combine(root, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        return new CraftedLayout(root, manifestDigest, configDigest, layers);
    }

    /// <summary>The layout as a tar at <paramref name="path"/> (pax headers, as written by .NET).</summary>
    public string WriteTar(string path)
    {
        using var output = File.Create(path);
        using var writer = new TarWriter(output, TarEntryFormat.Pax);
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            writer.WriteEntry(file, Path.GetRelativePath(Root, file).Replace('\\', '/'));
        return path;
    }

    private static string Blob(string root, Digest digest) => Path.Combine(root, "blobs", digest.Algorithm, digest.Encoded);
}
