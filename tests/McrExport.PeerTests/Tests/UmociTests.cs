using McrExport.Model;
using McrExport.PeerTests.Images;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>umoci unpacks our OCI layouts into the same tree as the layers applied in order.</summary>
public sealed class UmociTests(Peers.Peers peers) : PeerTestBase(peers)
{
    [Fact]
    public async Task Unpacks_the_oci_media_types_layout_into_the_applied_layers()
    {
        var images = await Peers.ImagesAsync();
        var image = images.Catalog.Small;
        var layout = new OciLayoutReader(await ExportAsync(images.Small, "oci", "--oci-media-types"));
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(layout.Blob(layout.Digest))!;
        Assert.Equal(MediaTypes.OciManifest, (string?)manifest["mediaType"]);
        Assert.Equal(image.ConfigDigest.ToString(), (string?)manifest["config"]!["digest"]);

        var bundle = Folder.Combine("bundle");
        await Run(PeerPrograms.Umoci(), "unpack", "--image", $"{layout.Root}:{layout.RefName}", bundle);
        var expected = RootFsTree.Apply(image.Layers);
        var actual = await RootFsTree.ReadAsync(Path.Combine(bundle, "rootfs"), Token);
        Assert.Equal("", RootFsTree.Differences(expected, actual));
        Assert.Contains(TestImageCatalog.NonAsciiName, actual.Nodes.Keys);
        Assert.DoesNotContain("data/remove-me.txt", actual.Nodes.Keys);
        Assert.DoesNotContain(actual.Nodes.Keys, path => path.Contains(".wh.", StringComparison.Ordinal));
        Assert.Equal('l', actual.Nodes["data/link-to-deep"].Type);
        Assert.Equal(actual.Nodes["data/original.txt"].Inode, actual.Nodes["data/hardlink.txt"].Inode);
    }

    [Fact]
    public async Task Unpacks_the_zstd_image_layout_or_names_zstd_as_the_media_type_it_lacks()
    {
        var images = await Peers.ImagesAsync();
        var layout = new OciLayoutReader(await ExportAsync(images.Zstd, "oci"));
        var bundle = Folder.Combine("bundle");
        var unpack = await ProcessRunner.RunAsync(PeerPrograms.Umoci(),
            ["unpack", "--image", $"{layout.Root}:{layout.RefName}", bundle], cancellationToken: Token);
        if (!unpack.Succeeded && unpack.StdErr.Contains("blob is not correct mediatype", StringComparison.Ordinal))
        {
            // The real program's limit (umoci 0.4 knows no zstd layers), recorded as it is: it names our media type.
            Assert.Contains("application/vnd.oci.image.layer.v1.tar+zstd", unpack.StdErr);
            return;
        }
        unpack.EnsureSuccess();
        var actual = await RootFsTree.ReadAsync(Path.Combine(bundle, "rootfs"), Token);
        Assert.Equal("", RootFsTree.Differences(RootFsTree.Apply(images.Catalog.Zstd.Layers), actual));
    }

    [Fact]
    public async Task Without_the_flag_the_layout_keeps_the_registry_manifest_bytes()
    {
        var images = await Peers.ImagesAsync();
        var layout = new OciLayoutReader(await ExportAsync(images.Small, "oci"));
        using var client = new RegistryClient(images.Registry.BaseUri);
        var stored = await client.GetManifestAsync(PublishedImages.SmallRepository, PublishedImages.Tag, Token);
        Assert.Equal(stored.Digest, layout.Digest);
        Assert.Equal(stored.Bytes, layout.Blob(layout.Digest));
        Assert.Equal(MediaTypes.DockerManifest, (string?)layout.Single["mediaType"]);
    }
}
