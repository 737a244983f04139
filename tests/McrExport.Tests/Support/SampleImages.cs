using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using McrExport.Content;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Tests.Support;

/// <summary>A layer made for a test: its descriptor (as a manifest lists it), diff_id and uncompressed tar.</summary>
public sealed record TestLayer(Descriptor Descriptor, Digest DiffId, byte[] Uncompressed);

/// <summary>
/// Builds small, deterministic images into a <see cref="BlobStore"/>: layers are tars with fixed times, gzip made
/// with <see cref="DeterministicGzip"/> (or zstd), configs with the right diff_ids, Docker schema2 manifests.
/// </summary>
public sealed class SampleImages
{
    public const string ForeignUrl = "https://foreign.invalid/layers/base.tar.gz";

    public SampleImages(BlobStore store) => Store = store;

    public BlobStore Store { get; }

    /// <summary>A layer holding one file <c>&lt;name&gt;.txt</c> with the given text.</summary>
    public TestLayer Layer(string name, string text, string mediaType = MediaTypes.DockerLayerGzip, IReadOnlyList<string>? urls = null)
    {
        var tar = MakeTar(name, text);
        var blob = MediaTypes.CompressionOf(mediaType) switch
        {
            LayerCompression.Gzip => DeterministicGzip.Compress(tar),
            LayerCompression.Zstd => new ZstdSharp.Compressor(3).Wrap(tar).ToArray(),
            _ => tar,
        };
        var descriptor = new Descriptor(mediaType, Digest.Compute(blob), blob.Length) { Urls = urls };
        Store.PutAsync(descriptor, blob, CancellationToken.None).GetAwaiter().GetResult();
        return new TestLayer(descriptor, Digest.Compute(tar), tar);
    }

    /// <summary>A foreign (non-distributable) Windows base layer whose bytes are in the store nevertheless.</summary>
    public TestLayer ForeignLayer(string name) =>
        Layer(name, "windows base " + name, MediaTypes.DockerForeignLayerGzip, [ForeignUrl]);

    /// <summary>An image with a Docker schema2 manifest.</summary>
    /// <param name="descriptorPlatform">the platform the (absent) index would give; null to leave it to the config.</param>
    public SetEntry Image(string reference, Platform platform, IReadOnlyList<TestLayer> layers, Platform? descriptorPlatform = null,
        IReadOnlyList<Digest>? diffIds = null, bool pinByDigest = false)
    {
        var config = ConfigJson(platform, diffIds ?? layers.Select(l => l.DiffId).ToList());
        var configDescriptor = new Descriptor(MediaTypes.DockerConfig, Digest.Compute(config), config.Length);
        var manifestBytes = ManifestJson(configDescriptor, layers.Select(l => l.Descriptor).ToList());
        var manifestDescriptor = new Descriptor(MediaTypes.DockerManifest, Digest.Compute(manifestBytes), manifestBytes.Length)
        {
            Platform = descriptorPlatform,
        };
        Store.PutAsync(configDescriptor, config, CancellationToken.None).GetAwaiter().GetResult();
        Store.PutAsync(manifestDescriptor, manifestBytes, CancellationToken.None).GetAwaiter().GetResult();

        var parsed = ImageReference.Parse(reference);
        if (pinByDigest) parsed = parsed with { Tag = null, Digest = manifestDescriptor.Digest };
        return new SetEntry(new McrExport.Model.Image(manifestDescriptor, manifestBytes, (ImageManifest)ManifestParser.Parse(manifestBytes, null),
            config, ManifestParser.ParseConfig(config)), parsed);
    }

    /// <summary>
    /// The standard set: alpine and an app sharing alpine's base layer, a Windows image with a foreign base layer, and
    /// an image pinned by digest only.
    /// </summary>
    public StandardSet Standard()
    {
        var linux = new Platform("linux", "amd64");
        var windows = new Platform("windows", "amd64", OsVersion: "10.0.17763.5458");
        var baseLayer = Layer("base", "alpine base");
        var alpineTop = Layer("alpine", "alpine extras");
        var appTop = Layer("app", "the app");
        var foreign = ForeignLayer("servercore");
        var windowsTop = Layer("update", "windows update");
        var runtime = Layer("runtime", "runtime bits");

        var alpine = Image("docker.io/library/alpine:3.20", linux, [baseLayer, alpineTop], descriptorPlatform: linux);
        var app = Image("localhost:5000/team/app:1.0", linux, [baseLayer, appTop]);
        var servercore = Image("servercore:ltsc2019", windows, [foreign, windowsTop], descriptorPlatform: new Platform("windows", "amd64"));
        var pinned = Image("mcr.microsoft.com/dotnet/runtime", linux, [runtime], pinByDigest: true);
        return new StandardSet(alpine, app, servercore, pinned, baseLayer, foreign);
    }

    private static byte[] MakeTar(string name, string text)
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, $"{name}.txt")
            {
                ModificationTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                Uid = 0,
                Gid = 0,
                UserName = "",
                GroupName = "",
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
            };
            writer.WriteEntry(entry);
        }
        return output.ToArray();
    }

    private static byte[] ConfigJson(Platform platform, IReadOnlyList<Digest> diffIds)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("architecture", platform.Architecture);
            json.WriteString("os", platform.Os);
            if (platform.OsVersion is not null) json.WriteString("os.version", platform.OsVersion);
            json.WriteStartObject("config");
            json.WriteStartArray("Cmd");
            json.WriteStringValue("sh");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("rootfs");
            json.WriteString("type", "layers");
            json.WriteStartArray("diff_ids");
            foreach (var id in diffIds) json.WriteStringValue(id.ToString());
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static byte[] ManifestJson(Descriptor config, IReadOnlyList<Descriptor> layers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", MediaTypes.DockerManifest);
            json.WritePropertyName("config");
            WriteDescriptor(json, config);
            json.WriteStartArray("layers");
            foreach (var layer in layers) WriteDescriptor(json, layer);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteDescriptor(Utf8JsonWriter json, Descriptor descriptor)
    {
        json.WriteStartObject();
        json.WriteString("mediaType", descriptor.MediaType);
        json.WriteNumber("size", descriptor.Size);
        json.WriteString("digest", descriptor.Digest.ToString());
        if (descriptor.Urls is { } urls)
        {
            json.WriteStartArray("urls");
            foreach (var url in urls) json.WriteStringValue(url);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }
}

/// <summary>The images of <see cref="SampleImages.Standard"/> and the layers the tests look for.</summary>
public sealed record StandardSet(SetEntry Alpine, SetEntry App, SetEntry Servercore, SetEntry Pinned,
    TestLayer SharedBase, TestLayer Foreign)
{
    public ImageSet All => ImageSet.Of(Alpine, App, Servercore, Pinned);
}
