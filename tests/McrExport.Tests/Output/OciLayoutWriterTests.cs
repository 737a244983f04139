using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Output;

public sealed class OciLayoutWriterTests : IDisposable
{
    private readonly WriterFixture _f = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _f.Dispose();

    private async Task<string> WriteAsync(bool hardLinks = true)
    {
        var target = Path.Combine(_f.OutputFolder, "layout");
        await new OciLayoutWriter(new WriterOptions(target) { HardLinks = hardLinks }).WriteAsync(_f.Set.All, _f.Store, Ct);
        return target;
    }

    [Fact]
    public async Task Writes_exactly_the_layout_files()
    {
        var target = await WriteAsync();

        string[] expected = ["index.json", "oci-layout", .. _f.ExpectedBlobPaths()];
        Assert.Equal(expected.Order(StringComparer.Ordinal), WriterFixture.FilesUnder(target));
        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}""", File.ReadAllText(Path.Combine(target, "oci-layout")));
        Assert.Equal([_f.OutputFolder + "/layout"], Directory.GetFileSystemEntries(_f.OutputFolder).Select(p => p.Replace('\\', '/')));
    }

    [Fact]
    public async Task Every_blob_hashes_to_its_name_and_documents_are_byte_for_byte()
    {
        var target = await WriteAsync();

        foreach (var path in _f.ExpectedBlobPaths())
            Assert.Equal(WriterFixture.NameOf(path), Digest.Compute(File.ReadAllBytes(Path.Combine(target, path))));
        foreach (var image in _f.Set.All)
        {
            Assert.Equal(image.Image!.Bytes.ToArray(), File.ReadAllBytes(Path.Combine(target, LayoutBlob.PathOf(image.ManifestDescriptor.Digest))));
            Assert.Equal(image.Image!.ConfigBytes.ToArray(), File.ReadAllBytes(Path.Combine(target, LayoutBlob.PathOf(image.Image!.Manifest.Config.Digest))));
        }
    }

    [Fact]
    public async Task Index_matches_the_golden_file()
    {
        var target = await WriteAsync();
        var index = File.ReadAllBytes(Path.Combine(target, "index.json"));
        Golden.Verify("oci-layout.index", index);

        using var doc = JsonDocument.Parse(index);
        var manifests = doc.RootElement.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(4, manifests.Count);
        var windows = manifests[2].GetProperty("platform");
        Assert.Equal("10.0.17763.5458", windows.GetProperty("os.version").GetString());
        Assert.False(manifests[3].GetProperty("annotations").TryGetProperty("org.opencontainers.image.ref.name", out _));
    }

    [Fact]
    public async Task A_shared_base_layer_is_written_once()
    {
        var target = await WriteAsync();
        var files = WriterFixture.FilesUnder(target);
        Assert.Single(files, f => f == LayoutBlob.PathOf(_f.Set.SharedBase.Descriptor.Digest));
        Assert.Equal(_f.ExpectedBlobPaths().Count, files.Count(f => f.StartsWith("blobs/", StringComparison.Ordinal)));
        Assert.True(_f.ExpectedBlobPaths().Count < _f.Set.All.Sum(i => i.Image!.Manifest.Layers.Count + 2));
    }

    [Fact]
    public async Task The_foreign_layer_bytes_are_included()
    {
        var target = await WriteAsync();
        var foreign = _f.Set.Foreign.Descriptor;
        Assert.Equal(foreign.Size, new FileInfo(Path.Combine(target, LayoutBlob.PathOf(foreign.Digest))).Length);
    }

    [Fact]
    public async Task Layers_are_hard_linked_from_the_store_on_the_same_file_system()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("uses stat(1)");
        var target = await WriteAsync();
        var layer = _f.Set.SharedBase.Descriptor.Digest;
        var inStore = FileIdentity.Of(_f.Store.PathOf(layer));
        var inLayout = FileIdentity.Of(Path.Combine(target, LayoutBlob.PathOf(layer)));
        Assert.Equal(inStore.Inode, inLayout.Inode);
        Assert.Equal(inStore.Device, inLayout.Device);
        Assert.True(inLayout.Links >= 2);

        var manifest = FileIdentity.Of(Path.Combine(target, LayoutBlob.PathOf(_f.Set.Alpine.ManifestDescriptor.Digest)));
        Assert.Equal(1, manifest.Links);
    }

    [Fact]
    public async Task Without_hard_links_layers_are_copies()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("uses stat(1)");
        var target = await WriteAsync(hardLinks: false);
        var layer = _f.Set.SharedBase.Descriptor.Digest;
        Assert.NotEqual(FileIdentity.Of(_f.Store.PathOf(layer)).Inode, FileIdentity.Of(Path.Combine(target, LayoutBlob.PathOf(layer))).Inode);
        Assert.Equal(File.ReadAllBytes(_f.Store.PathOf(layer)), File.ReadAllBytes(Path.Combine(target, LayoutBlob.PathOf(layer))));
    }

    [Fact]
    public async Task An_existing_layout_is_replaced()
    {
        var target = Path.Combine(_f.OutputFolder, "layout");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "oci-layout"), "{}");
        File.WriteAllText(Path.Combine(target, "stale"), "old");

        await WriteAsync();

        Assert.False(File.Exists(Path.Combine(target, "stale")));
        Assert.True(File.Exists(Path.Combine(target, "index.json")));
        Assert.Single(Directory.GetFileSystemEntries(_f.OutputFolder));
    }

    [Fact]
    public async Task A_folder_that_is_not_a_layout_is_left_alone()
    {
        var target = Path.Combine(_f.OutputFolder, "layout");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "precious.txt"), "mine");

        await Assert.ThrowsAsync<UsageException>(() => WriteAsync());

        Assert.Equal("mine", File.ReadAllText(Path.Combine(target, "precious.txt")));
        Assert.Single(Directory.GetFileSystemEntries(_f.OutputFolder));
    }

    [Fact]
    public async Task Standard_output_is_refused_for_a_folder()
    {
        var writer = new OciLayoutWriter(new WriterOptions("-") { StandardOutput = new MemoryStream() });
        await Assert.ThrowsAsync<UsageException>(() => writer.WriteAsync(_f.Set.All, _f.Store, Ct));
    }

    [Fact]
    public async Task Manifest_bytes_that_do_not_match_their_descriptor_are_refused()
    {
        var broken = _f.Set.Alpine with { Node = _f.Set.Alpine.Image! with { Bytes = Encoding.UTF8.GetBytes("{}") } };
        var target = Path.Combine(_f.OutputFolder, "layout");
        await Assert.ThrowsAsync<DigestMismatchException>(() =>
            new OciLayoutWriter(new WriterOptions(target)).WriteAsync([broken], _f.Store, Ct));
        Assert.Empty(Directory.GetFileSystemEntries(_f.OutputFolder));
    }
}
