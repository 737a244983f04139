using McrExport.Errors;
using McrExport.Output.Split;
using Xunit;

namespace McrExport.Tests.Media;

public sealed class SplitSizeTests
{
    [Theory]
    [InlineData("4G", 4L << 30)]
    [InlineData("4g", 4L << 30)]
    [InlineData("4Gi", 4L << 30)]
    [InlineData("4GiB", 4L << 30)]
    [InlineData("4000M", 4000L << 20)]
    [InlineData("4000MiB", 4000L << 20)]
    [InlineData("4.7GB", 4_700_000_000L)]
    [InlineData("2GB", 2_000_000_000L)]
    [InlineData("700MB", 700_000_000L)]
    [InlineData("1.5M", 1_572_864L)]
    [InlineData("1024K", 1L << 20)]
    [InlineData("1T", 1L << 40)]
    [InlineData("1TB", 1_000_000_000_000L)]
    [InlineData("1048576", 1L << 20)]
    [InlineData("1048576B", 1L << 20)]
    [InlineData(" 2 G ", 2L << 30)]
    public void Parses_binary_and_decimal_suffixes(string text, long expected) => Assert.Equal(expected, SplitSize.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("4X")]
    [InlineData("-4G")]
    [InlineData("4..7GB")]
    [InlineData(".5G")]
    [InlineData("4,7GB")]
    [InlineData("1000K")]
    [InlineData("1.0000001B")]
    [InlineData("99999999999999999999T")]
    public void Refuses_what_is_not_a_size_or_too_small(string text)
    {
        var e = Assert.Throws<UsageException>(() => SplitSize.Parse(text));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("--split", e.Message);
    }
}
