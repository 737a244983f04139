using System.Formats.Tar;
using McrExport.Model;
using McrExport.PeerTests.Images;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>The Windows-like image: its foreign layer travels in the archive, and a Linux docker refuses it plainly.</summary>
public sealed class WindowsLikeImageTests(Peers.Peers peers) : PeerTestBase(peers)
{
    [Fact]
    public async Task Docker_tar_holds_the_foreign_layer_bytes_and_describes_it_in_layer_sources()
    {
        var images = await Peers.ImagesAsync();
        var image = images.Catalog.WindowsLike;
        var archive = SavedArchive.Read(await ExportAsync(images.Windows, "docker-tar", images.WindowsExportOptions));
        Assert.Equal(image.ConfigDigest, archive.ConfigDigest);
        Assert.Equal([images.Windows], archive.RepoTags);
        var foreign = images.Catalog.ForeignBase;
        Assert.Equal(foreign.Digest, Digest.Compute(archive.Files[archive.LayerPaths[0]]));
        Assert.Equal(image.DiffIds, archive.LayerUncompressedDigests());
        var source = archive.LayerSources?[foreign.DiffId.ToString()];
        Assert.NotNull(source);
        Assert.Equal(MediaTypes.DockerForeignLayerGzip, (string?)source["mediaType"]);
        Assert.Equal(foreign.Digest.ToString(), (string?)source["digest"]);
        Assert.Equal(foreign.Urls![0], (string?)source["urls"]![0]);
        Assert.Contains($"GET /layers/{foreign.Digest.Encoded}", images.ForeignServer.Requests);
    }

    [Theory]
    [InlineData("oci-tar")]
    [InlineData("oci")]
    public async Task Oci_outputs_hold_the_foreign_layer_blob(string format)
    {
        var images = await Peers.ImagesAsync();
        var output = await ExportAsync(images.Windows, format, images.WindowsExportOptions);
        var foreign = images.Catalog.ForeignBase;
        var path = $"blobs/sha256/{foreign.Digest.Encoded}";
        var bytes = format == "oci" ? await File.ReadAllBytesAsync(Path.Combine(output, path), Token) : ReadTarFile(output, path);
        Assert.Equal(foreign.Blob, bytes);
    }

    [Fact]
    public async Task Docker_on_linux_refuses_to_load_it_naming_the_os()
    {
        var images = await Peers.ImagesAsync();
        var docker = await Peers.DockerAsync();
        var archive = await ExportAsync(images.Windows, "docker-tar", images.WindowsExportOptions);
        var load = await docker.RunAsync(["load", "-i", archive], cancellationToken: Token);
        try
        {
            Assert.False(load.Succeeded, load.Describe());
            Assert.Equal("cannot load windows image on linux", LastLine(load.StdErr));
        }
        finally
        {
            await docker.RunAsync(["image", "rm", "--force", images.Windows], cancellationToken: Token);
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    private static byte[] ReadTarFile(string archive, string name)
    {
        using var stream = File.OpenRead(archive);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') != name || entry.DataStream is null) continue;
            using var copy = new MemoryStream();
            entry.DataStream.CopyTo(copy);
            return copy.ToArray();
        }
        throw new FileNotFoundException($"{name} is not in {archive}");
    }
}
