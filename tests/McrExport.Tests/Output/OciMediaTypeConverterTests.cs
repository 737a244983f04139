using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;
using Xunit;

namespace McrExport.Tests.Output;

public sealed class OciMediaTypeConverterTests : IDisposable
{
    private readonly WriterFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Rewrites_only_the_media_types_and_keeps_the_config_bytes()
    {
        var original = _f.Set.Servercore.Image!;
        var converted = OciMediaTypeConverter.Convert(original);

        Assert.Equal(original.ConfigBytes.ToArray(), converted.ConfigBytes.ToArray());
        Assert.Same(original.Config, converted.Config);
        Assert.Equal(MediaTypes.OciManifest, converted.Descriptor.MediaType);
        Assert.Equal(Digest.Compute(converted.Bytes.Span), converted.Descriptor.Digest);
        Assert.Equal(converted.Bytes.Length, converted.Descriptor.Size);
        Assert.NotEqual(original.Descriptor.Digest, converted.Descriptor.Digest);
        Assert.Equal(original.Descriptor.Platform, converted.Descriptor.Platform);

        var reparsed = (ImageManifest)ManifestParser.Parse(converted.Bytes.Span, MediaTypes.OciManifest);
        Assert.Equal(MediaTypes.OciManifest, reparsed.MediaType);
        Assert.Equal(MediaTypes.OciConfig, reparsed.Config.MediaType);
        Assert.Equal((original.Manifest.Config.Digest, original.Manifest.Config.Size), (reparsed.Config.Digest, reparsed.Config.Size));
        Assert.Equal([MediaTypes.OciForeignLayerGzip, MediaTypes.OciLayerGzip], reparsed.Layers.Select(l => l.MediaType));
        Assert.Equal(original.Manifest.Layers.Select(l => (l.Digest, l.Size)), reparsed.Layers.Select(l => (l.Digest, l.Size)));
        Assert.Equal(original.Manifest.Layers[0].Urls, reparsed.Layers[0].Urls);
        Assert.Null(reparsed.Layers[1].Urls);
        Support.Golden.Verify("oci-converted.manifest", converted.Bytes.Span);
    }

    [Fact]
    public void An_OCI_manifest_passes_through_unchanged()
    {
        var oci = OciMediaTypeConverter.Convert(_f.Set.Alpine.Image!);
        Assert.Same(oci, OciMediaTypeConverter.Convert(oci));
    }

    [Fact]
    public void Other_manifest_types_are_refused()
    {
        var odd = _f.Set.Alpine.Image! with { Manifest = _f.Set.Alpine.Image!.Manifest with { MediaType = MediaTypes.OciIndex } };
        Assert.Throws<InvalidManifestException>(() => OciMediaTypeConverter.Convert(odd));
    }

    [Fact]
    public async Task A_converted_image_writes_a_layout_whose_manifest_hashes_to_its_new_digest()
    {
        var converted = OciMediaTypeConverter.Convert(_f.Set.Alpine);
        var target = Path.Combine(_f.OutputFolder, "layout");
        await new OciLayoutWriter(new WriterOptions(target)).WriteAsync([converted], _f.Store, TestContext.Current.CancellationToken);

        var manifestPath = Path.Combine(target, LayoutBlob.PathOf(converted.ManifestDescriptor.Digest));
        Assert.Equal(converted.ManifestDescriptor.Digest, Digest.Compute(File.ReadAllBytes(manifestPath)));
        Assert.Contains(MediaTypes.OciManifest, File.ReadAllText(Path.Combine(target, "index.json")));
    }
}
