using System.Formats.Tar;
using McrExport.Model;
using McrExport.Output;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Output;

public sealed class OciTarWriterTests : IDisposable
{
    private readonly WriterFixture _f = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Writes_directories_first_then_the_layout_files_and_each_blob_once()
    {
        var path = Path.Combine(_f.OutputFolder, "images.tar");
        await new OciTarWriter(new WriterOptions(path)).WriteAsync(_f.Set.All, _f.Store, Ct);

        var items = TarContents.Read(path);
        Assert.Equal(["blobs/", "blobs/sha256/", "oci-layout", "index.json"], items.Take(4).Select(i => i.Name));
        Assert.Equal([TarEntryType.Directory, TarEntryType.Directory], items.Take(2).Select(i => i.Type));
        Assert.Equal(_f.ExpectedBlobPaths(), items.Skip(4).Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.All(items.Skip(4), i => Assert.Equal(WriterFixture.NameOf(i.Name), i.Sha256));
        Assert.Equal([Path.Combine(_f.OutputFolder, "images.tar")], Directory.GetFileSystemEntries(_f.OutputFolder));
    }

    [Fact]
    public async Task Holds_the_same_index_and_documents_as_the_folder_layout()
    {
        var path = Path.Combine(_f.OutputFolder, "images.tar");
        await new OciTarWriter(new WriterOptions(path)).WriteAsync(_f.Set.All, _f.Store, Ct);
        var items = TarContents.Read(path).ToDictionary(i => i.Name);

        Golden.Verify("oci-layout.index", items["index.json"].Content);
        Assert.Equal("""{"imageLayoutVersion":"1.0.0"}"""u8.ToArray(), items["oci-layout"].Content);
        foreach (var image in _f.Set.All)
        {
            Assert.Equal(image.Image!.Bytes.ToArray(), items[LayoutBlob.PathOf(image.ManifestDescriptor.Digest)].Content);
            Assert.Equal(image.Image!.ConfigBytes.ToArray(), items[LayoutBlob.PathOf(image.Image!.Manifest.Config.Digest)].Content);
        }
    }

    [Fact]
    public async Task Streams_to_standard_output_without_seeking()
    {
        var stdout = new NonSeekableStream();
        await new OciTarWriter(new WriterOptions("-") { StandardOutput = stdout }).WriteAsync([_f.Set.Alpine], _f.Store, Ct);

        var items = TarContents.Read(stdout.ToArray());
        Assert.Equal(4 + 4, items.Count);
        Assert.Contains(items, i => i.Name == LayoutBlob.PathOf(_f.Set.SharedBase.Descriptor.Digest));
        Assert.Empty(Directory.GetFileSystemEntries(_f.OutputFolder));
    }

    [Fact]
    public async Task Output_is_deterministic()
    {
        var first = new MemoryStream();
        var second = new MemoryStream();
        await OciTarWriter.WriteToAsync(first, _f.Set.All, _f.Store, Ct);
        await OciTarWriter.WriteToAsync(second, _f.Set.All, _f.Store, Ct);
        Assert.Equal(Digest.Compute(first.ToArray()), Digest.Compute(second.ToArray()));
    }
}
