using McrExport.Output;
using Xunit;

namespace McrExport.Tests.Output;

public sealed class ImageWritersTests
{
    [Theory]
    [InlineData(OutputFormat.DockerTar, typeof(DockerTarWriter))]
    [InlineData(OutputFormat.Oci, typeof(OciLayoutWriter))]
    [InlineData(OutputFormat.OciTar, typeof(OciTarWriter))]
    public void Picks_the_writer_for_each_format(OutputFormat format, Type expected)
    {
        var options = new WriterOptions("out") { UncompressedLayers = true };
        var writer = ImageWriters.Create(format, options);
        Assert.IsType(expected, writer);
    }

    [Fact]
    public void An_unknown_format_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageWriters.Create((OutputFormat)99, new WriterOptions("out")));
}
