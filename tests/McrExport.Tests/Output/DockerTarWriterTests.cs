using System.Text.Json;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Output;

public sealed class DockerTarWriterTests : IDisposable
{
    private readonly WriterFixture _f = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _f.Dispose();

    private async Task<List<TarItem>> WriteAsync(ImageSet images, WriterOptions? options = null)
    {
        var path = Path.Combine(_f.OutputFolder, "images.tar");
        await new DockerTarWriter(options ?? new WriterOptions(path)).WriteAsync(images, _f.Store, Ct);
        return TarContents.Read(path);
    }

    [Fact]
    public async Task Is_an_OCI_layout_plus_the_docker_load_files()
    {
        var items = await WriteAsync(_f.Set.All);

        Assert.Equal(["blobs/", "blobs/sha256/", "oci-layout", "index.json", "manifest.json", "repositories"], items.Take(6).Select(i => i.Name));
        Assert.Equal(_f.ExpectedBlobPaths(), items.Skip(6).Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.All(items.Skip(6), i => Assert.Equal(WriterFixture.NameOf(i.Name), i.Sha256));
        var byName = items.ToDictionary(i => i.Name);
        Golden.Verify("oci-layout.index", byName["index.json"].Content);
        Golden.Verify("docker-tar.manifest", byName["manifest.json"].Content);
        Golden.Verify("docker-tar.repositories", byName["repositories"].Content);
    }

    [Fact]
    public async Task Manifest_json_points_at_files_in_the_archive_with_familiar_tags()
    {
        var items = await WriteAsync(_f.Set.All);
        var names = items.Select(i => (string?)i.Name).ToHashSet();
        using var doc = JsonDocument.Parse(items.Single(i => i.Name == "manifest.json").Content);
        var entries = doc.RootElement.EnumerateArray().ToList();

        Assert.Equal(4, entries.Count);
        foreach (var entry in entries)
        {
            Assert.Contains(entry.GetProperty("Config").GetString(), names);
            Assert.All(entry.GetProperty("Layers").EnumerateArray(), l => Assert.Contains(l.GetString(), names));
        }
        Assert.Equal(["alpine:3.20"], Tags(entries[0]));
        Assert.Equal(["localhost:5000/team/app:1.0"], Tags(entries[1]));
        Assert.Equal(["mcr.microsoft.com/windows/servercore:ltsc2019"], Tags(entries[2]));
        Assert.Empty(Tags(entries[3]));
    }

    [Fact]
    public async Task Layer_sources_describe_the_foreign_layer_only()
    {
        var items = await WriteAsync(_f.Set.All);
        using var doc = JsonDocument.Parse(items.Single(i => i.Name == "manifest.json").Content);
        var entries = doc.RootElement.EnumerateArray().ToList();

        Assert.Equal([false, false, true, false], entries.Select(e => e.TryGetProperty("LayerSources", out _)));
        var sources = entries[2].GetProperty("LayerSources").EnumerateObject().ToList();
        var source = Assert.Single(sources);
        var foreign = _f.Set.Foreign;
        Assert.Equal(foreign.DiffId.ToString(), source.Name);
        Assert.Equal(MediaTypes.DockerForeignLayerGzip, source.Value.GetProperty("mediaType").GetString());
        Assert.Equal(foreign.Descriptor.Digest.ToString(), source.Value.GetProperty("digest").GetString());
        Assert.Equal(foreign.Descriptor.Size, source.Value.GetProperty("size").GetInt64());
        Assert.Equal([SampleImages.ForeignUrl], source.Value.GetProperty("urls").EnumerateArray().Select(u => u.GetString()));
        Assert.Contains(items, i => i.Name == LayoutBlob.PathOf(foreign.Descriptor.Digest));
    }

    [Fact]
    public async Task Repositories_name_the_top_layer_diff_id_of_tagged_images()
    {
        var items = await WriteAsync(_f.Set.All);
        using var doc = JsonDocument.Parse(items.Single(i => i.Name == "repositories").Content);
        Assert.Equal(["alpine", "localhost:5000/team/app", "mcr.microsoft.com/windows/servercore"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(_f.Set.Alpine.Image!.Config.DiffIds[^1].Encoded, doc.RootElement.GetProperty("alpine").GetProperty("3.20").GetString());
    }

    [Fact]
    public async Task An_image_pinned_by_digest_alone_gets_no_tags_and_no_repositories_file()
    {
        var items = await WriteAsync([_f.Set.Pinned]);
        Assert.DoesNotContain(items, i => i.Name == "repositories");
        using var doc = JsonDocument.Parse(items.Single(i => i.Name == "manifest.json").Content);
        Assert.Equal(0, doc.RootElement[0].GetProperty("RepoTags").GetArrayLength());
    }

    [Fact]
    public async Task A_diff_id_count_that_differs_from_the_layer_count_fails_before_writing()
    {
        var layer = _f.Images.Layer("lonely", "x");
        var image = _f.Images.Image("docker.io/library/odd:1", new Platform("linux", "amd64"), [layer], diffIds: [layer.DiffId, layer.DiffId]);

        await Assert.ThrowsAsync<InvalidManifestException>(() => WriteAsync([image]));
        Assert.Empty(Directory.GetFileSystemEntries(_f.OutputFolder));
    }

    [Fact]
    public async Task Uncompressed_layers_hash_to_their_diff_ids()
    {
        var zstdLayer = _f.Images.Layer("zstd", "zstd compressed", MediaTypes.OciLayerZstd);
        var plainLayer = _f.Images.Layer("plain", "not compressed", MediaTypes.OciLayer);
        var zstdImage = _f.Images.Image("docker.io/library/zstd:1", new Platform("linux", "amd64"), [_f.Set.SharedBase, zstdLayer, plainLayer]);
        var staging = _f.Temp("staging");
        var options = new WriterOptions(Path.Combine(_f.OutputFolder, "images.tar")) { UncompressedLayers = true, TempDirectory = staging };

        var items = await WriteAsync([.. _f.Set.All, zstdImage], options);

        var diffIds = _f.Set.All.Append(zstdImage).SelectMany(i => i.Image!.Config.DiffIds).Distinct().ToList();
        var configs = _f.Set.All.Append(zstdImage).Select(i => i.Image!.Manifest.Config.Digest).ToList();
        string[] expected = ["blobs/", "blobs/sha256/", "manifest.json", "repositories",
            .. configs.Select(LayoutBlob.PathOf), .. diffIds.Select(LayoutBlob.PathOf)];
        Assert.Equal(expected, items.Select(i => i.Name));
        Assert.All(items.Skip(4), i => Assert.Equal(WriterFixture.NameOf(i.Name), i.Sha256));
        Assert.Equal(_f.Set.SharedBase.Uncompressed, items.Single(i => i.Name == LayoutBlob.PathOf(_f.Set.SharedBase.DiffId)).Content);
        Assert.Empty(Directory.GetFileSystemEntries(staging));

        var manifest = items.Single(i => i.Name == "manifest.json").Content;
        Golden.Verify("docker-tar-uncompressed.manifest", manifest);
        using var doc = JsonDocument.Parse(manifest);
        Assert.Equal(_f.Set.Servercore.Image!.Config.DiffIds.Select(d => LayoutBlob.PathOf(d)),
            doc.RootElement[2].GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task A_layer_that_does_not_decompress_to_its_diff_id_fails_naming_it()
    {
        var layer = _f.Images.Layer("liar", "some bytes");
        var wrong = Digest.Compute("something else"u8);
        var image = _f.Images.Image("docker.io/library/liar:1", new Platform("linux", "amd64"), [layer], diffIds: [wrong]);
        var staging = _f.Temp("staging");
        var options = new WriterOptions(Path.Combine(_f.OutputFolder, "images.tar")) { UncompressedLayers = true, TempDirectory = staging };

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => WriteAsync([image], options));

        Assert.Contains(layer.Descriptor.Digest.ToString(), error.Message);
        Assert.Contains(wrong.ToString(), error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_f.OutputFolder));
        Assert.Empty(Directory.GetFileSystemEntries(staging));
    }

    [Fact]
    public async Task The_same_manifest_under_two_tags_is_one_entry_with_both_tags()
    {
        var latest = _f.Set.Alpine with { Reference = ImageReference.Parse("docker.io/alpine:latest") };
        var items = await WriteAsync([_f.Set.Alpine, latest]);
        using var doc = JsonDocument.Parse(items.Single(i => i.Name == "manifest.json").Content);
        var entry = Assert.Single(doc.RootElement.EnumerateArray().ToList());
        Assert.Equal(["alpine:3.20", "alpine:latest"], Tags(entry));
        using var index = JsonDocument.Parse(items.Single(i => i.Name == "index.json").Content);
        Assert.Equal(2, index.RootElement.GetProperty("manifests").GetArrayLength());
    }

    private static List<string?> Tags(JsonElement entry) => entry.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()).ToList();
}
