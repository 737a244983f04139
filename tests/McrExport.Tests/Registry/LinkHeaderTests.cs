using McrExport.Registry;
using Xunit;

namespace McrExport.Tests.Registry;

public sealed class LinkHeaderTests
{
    private static readonly Uri Base = new("http://127.0.0.1:5000/");

    [Fact]
    public void A_relative_next_link_becomes_a_path()
    {
        Assert.Equal("v2/a/tags/list?n=2&last=b", LinkHeader.NextPath(["</v2/a/tags/list?n=2&last=b>; rel=\"next\""], Base));
    }

    [Fact]
    public void An_absolute_link_to_the_same_host_is_followed()
    {
        Assert.Equal("v2/a/tags/list?last=b", LinkHeader.NextPath(["<http://127.0.0.1:5000/v2/a/tags/list?last=b>; rel=next"], Base));
    }

    [Theory]
    [InlineData("<http://other.invalid/v2/a/tags/list?last=b>; rel=\"next\"")]
    [InlineData("<http://127.0.0.1:5001/v2/a/tags/list?last=b>; rel=\"next\"")]
    [InlineData("<https://127.0.0.1:5000/v2/a/tags/list?last=b>; rel=\"next\"")]
    [InlineData("<//other.invalid/v2/x>; rel=\"next\"")]
    [InlineData("<file:///etc/passwd>; rel=\"next\"")]
    public void A_link_to_another_host_or_scheme_is_ignored(string header)
    {
        Assert.Null(LinkHeader.NextPath([header], Base));
    }

    [Fact]
    public void The_next_link_is_found_among_several()
    {
        string[] headers = ["</v2/a/tags/list?last=a>; rel=\"prev\", </v2/a/tags/list?last=c>; title=\"x, y\"; rel=\"last next\""];

        Assert.Equal("v2/a/tags/list?last=c", LinkHeader.NextPath(headers, Base));
        Assert.Equal("v2/b", LinkHeader.NextPath(["</v2/a>; rel=\"first\"", "</v2/b>; rel=\"next\""], Base));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("<>; rel=\"next\"")]
    [InlineData("</v2/a>")]
    [InlineData("</v2/a>; rel=\"prev\"")]
    [InlineData("/v2/a; rel=\"next\"")]
    [InlineData(">< ; rel=next")]
    [InlineData(";;;,,,<<>>")]
    public void Garbage_gives_no_next_link(string header)
    {
        Assert.Null(LinkHeader.NextPath([header], Base));
    }
}
