using McrExport.Model;
using McrExport.PeerTests.Peers;

namespace McrExport.PeerTests.Images;

/// <summary>The images the peer tests export: built here, byte for byte the same on every run of the same machine.</summary>
public sealed class TestImageCatalog
{
    public const string HelloText = "Hello from the mcr-export peer tests!\n";
    public const string NonAsciiName = "data/grüße-ünïcødé ✓.txt";
    public const string WindowsOsVersion = "10.0.17763.6532";
    public const string BusyboxPath = "/bin/busybox";

    private TestImageCatalog(ForeignLayerServer foreignServer)
    {
        Busybox = File.Exists(BusyboxPath) ? File.ReadAllBytes(BusyboxPath) : null;
        Small = new TestImage("linux", "amd64", SmallLayers(Busybox), dockerMediaTypes: true, cmd: ["cat", "/hello.txt"]);
        Zstd = new TestImage("linux", "amd64",
        [
            LayerBlob.Build(MediaTypes.OciLayerGzip, [new DirectoryEntry("etc"), FileEntry.Text("etc/zstd-base.txt", "gzip base\n")]),
            LayerBlob.Build(MediaTypes.OciLayerZstd, [FileEntry.Text("zstd.txt", "this layer is zstd\n"), FileEntry.Text("hello.txt", HelloText)]),
        ], dockerMediaTypes: false, cmd: ["cat", "/hello.txt"]);
        MultiPlatform = new TestIndex(
        [
            Tiny("linux", "amd64", null, null),
            Tiny("linux", "arm64", null, "v8"),
            Tiny("windows", "amd64", "10.0.17763.6532", null),
            Tiny("windows", "amd64", "10.0.20348.2849", null),
        ], dockerMediaTypes: false);
        var foreignBase = LayerBlob.Build(MediaTypes.DockerForeignLayerGzip,
        [
            new DirectoryEntry("Files"), new DirectoryEntry("Files/Windows"),
            FileEntry.Text("Files/Windows/win.ini", "; for 16-bit app support\r\n[fonts]\r\n"),
            new DirectoryEntry("Hives"), new FileEntry("Hives/DefaultUser_Delta", new byte[4096]),
        ]);
        ForeignBase = foreignBase.WithUrls([foreignServer.Serve($"/layers/{foreignBase.Digest.Encoded}", foreignBase.Blob)]);
        WindowsLike = new TestImage("windows", "amd64",
        [
            ForeignBase,
            LayerBlob.Build(MediaTypes.DockerLayerGzip,
            [
                new DirectoryEntry("Files"), new DirectoryEntry("Files/app"),
                FileEntry.Text("Files/app/hello.txt", HelloText.Replace("\n", "\r\n")),
            ]),
        ], dockerMediaTypes: true, cmd: ["cmd", "/S", "/C", "type C:\\app\\hello.txt"], osVersion: WindowsOsVersion);
    }

    /// <summary>The static busybox put into the small image as /bin/busybox, when the machine has one.</summary>
    public byte[]? Busybox { get; }

    /// <summary>linux/amd64, Docker schema2, three gzip layers: nested folders, links, a non-ASCII name, a whiteout.</summary>
    public TestImage Small { get; }

    /// <summary>linux/amd64, OCI, a gzip layer under a zstd layer.</summary>
    public TestImage Zstd { get; }

    /// <summary>OCI index: linux/amd64, linux/arm64/v8, windows/amd64 17763 and 20348.</summary>
    public TestIndex MultiPlatform { get; }

    /// <summary>windows/amd64 10.0.17763.6532, Docker schema2, a foreign base layer served from 127.0.0.2.</summary>
    public TestImage WindowsLike { get; }

    public LayerBlob ForeignBase { get; }

    public static TestImageCatalog Create(ForeignLayerServer foreignServer) => new(foreignServer);

    private static IReadOnlyList<LayerBlob> SmallLayers(byte[]? busybox)
    {
        List<LayerEntry> baseEntries =
        [
            new DirectoryEntry("bin"), new DirectoryEntry("data"), new DirectoryEntry("data/nested"),
            new DirectoryEntry("data/nested/deep"),
            FileEntry.Text("data/nested/deep/file.txt", "deep inside\n"),
            FileEntry.Text("data/remove-me.txt", "deleted by a whiteout above\n"),
            FileEntry.Text("data/keep.txt", "kept\n"),
            new DirectoryEntry("data/gone-dir"), FileEntry.Text("data/gone-dir/inner.txt", "folder deleted above\n"),
        ];
        if (busybox is not null)
        {
            baseEntries.Add(new FileEntry("bin/busybox", busybox, 0b111_101_101));
            baseEntries.Add(new SymlinkEntry("bin/cat", "busybox"));
            baseEntries.Add(new SymlinkEntry("bin/sh", "busybox"));
        }
        return
        [
            LayerBlob.Build(MediaTypes.DockerLayerGzip, baseEntries),
            LayerBlob.Build(MediaTypes.DockerLayerGzip,
            [
                new DirectoryEntry("data"),
                new SymlinkEntry("data/link-to-deep", "nested/deep/file.txt"),
                FileEntry.Text("data/original.txt", "one file, two names\n"),
                new HardLinkEntry("data/hardlink.txt", "data/original.txt"),
                FileEntry.Text(NonAsciiName, "non-ASCII name\n"),
                new WhiteoutEntry("data/remove-me.txt"),
                new WhiteoutEntry("data/gone-dir"),
            ]),
            LayerBlob.Build(MediaTypes.DockerLayerGzip, [FileEntry.Text("hello.txt", HelloText)]),
        ];
    }

    private static TestImage Tiny(string os, string architecture, string? osVersion, string? variant)
    {
        var platform = $"{os}/{architecture}{(variant is null ? "" : "/" + variant)}{(osVersion is null ? "" : " " + osVersion)}";
        var path = os == "windows" ? "Files/platform.txt" : "platform.txt";
        List<LayerEntry> entries = os == "windows" ? [new DirectoryEntry("Files")] : [];
        entries.Add(FileEntry.Text(path, platform + "\n"));
        return new TestImage(os, architecture, [LayerBlob.Build(MediaTypes.OciLayerGzip, entries)],
            dockerMediaTypes: false, osVersion: osVersion, variant: variant);
    }
}
