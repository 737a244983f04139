using System.Text;
using System.Text.Json;
using McrExport.Model;
using McrExport.Push;
using Xunit;

namespace McrExport.Tests.AirGap;

/// <summary>Rewriting foreign layers keeps the compression, drops <c>urls</c> and touches nothing else.</summary>
public sealed class ForeignLayerRewriterTests
{
    private const string Digest1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string Digest2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    [Theory]
    [InlineData(MediaTypes.DockerForeignLayerGzip, MediaTypes.DockerLayerGzip)]
    [InlineData(MediaTypes.OciForeignLayerGzip, MediaTypes.OciLayerGzip)]
    [InlineData(MediaTypes.OciForeignLayerZstd, MediaTypes.OciLayerZstd)]
    [InlineData(MediaTypes.OciForeignLayer, MediaTypes.OciLayer)]
    public void Foreign_layers_become_ordinary_layers_of_the_same_compression_without_urls(string foreign, string expected)
    {
        var manifest = Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"x","config":{"mediaType":"c","digest":"{{{Digest1}}}","size":1},
             "layers":[{"mediaType":"{{{foreign}}}","digest":"{{{Digest2}}}","size":2,"urls":["http://127.0.0.2/a"],"annotations":{"k":"v"}},
                       {"mediaType":"{{{MediaTypes.DockerLayerGzip}}}","digest":"{{{Digest1}}}","size":3}],
             "annotations":{"top":"kept"}}
            """);

        var rewritten = ForeignLayerRewriter.Rewrite(manifest);

        using var doc = JsonDocument.Parse(rewritten);
        var layer = doc.RootElement.GetProperty("layers")[0];
        Assert.Equal(expected, layer.GetProperty("mediaType").GetString());
        Assert.False(layer.TryGetProperty("urls", out _));
        Assert.Equal(Digest2, layer.GetProperty("digest").GetString());
        Assert.Equal("v", layer.GetProperty("annotations").GetProperty("k").GetString());
        Assert.Equal(MediaTypes.DockerLayerGzip, doc.RootElement.GetProperty("layers")[1].GetProperty("mediaType").GetString());
        Assert.Equal("kept", doc.RootElement.GetProperty("annotations").GetProperty("top").GetString());
    }

    [Fact]
    public void A_manifest_without_foreign_layers_keeps_its_bytes()
    {
        var manifest = Encoding.UTF8.GetBytes($$$"""{ "schemaVersion": 2, "layers": [ {"mediaType":"{{{MediaTypes.DockerLayerGzip}}}","digest":"{{{Digest1}}}","size":3} ] }""");

        Assert.Same(manifest, ForeignLayerRewriter.Rewrite(manifest));
    }
}
