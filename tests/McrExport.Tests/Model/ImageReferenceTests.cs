using McrExport.Errors;
using McrExport.Model;
using Xunit;

namespace McrExport.Tests.Model;

public sealed class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static TheoryData<string, string, string, string?, string?> Valid => new()
    {
        { "servercore", "mcr.microsoft.com", "windows/servercore", "latest", null },
        { "servercore:ltsc2019", "mcr.microsoft.com", "windows/servercore", "ltsc2019", null },
        { "nanoserver:ltsc2022", "mcr.microsoft.com", "windows/nanoserver", "ltsc2022", null },
        { "server", "mcr.microsoft.com", "windows/server", "latest", null },
        { "windows", "mcr.microsoft.com", "windows", "latest", null },
        { "dotnet/runtime:8.0", "mcr.microsoft.com", "dotnet/runtime", "8.0", null },
        { "mcr.microsoft.com/windows/servercore:ltsc2019", "mcr.microsoft.com", "windows/servercore", "ltsc2019", null },
        { "docker.io/alpine", "docker.io", "library/alpine", "latest", null },
        { "docker.io/library/alpine:3.20", "docker.io", "library/alpine", "3.20", null },
        { "index.docker.io/x/y", "docker.io", "x/y", "latest", null },
        { "localhost:5000/a/b:t", "localhost:5000", "a/b", "t", null },
        { $"127.0.0.1:5000/a@sha256:{Hex}", "127.0.0.1:5000", "a", null, $"sha256:{Hex}" },
        { $"dotnet/runtime:8.0@sha256:{Hex}", "mcr.microsoft.com", "dotnet/runtime", "8.0", $"sha256:{Hex}" },
        { "[::1]:5000/a", "[::1]:5000", "a", "latest", null },
        { "a__b/c-d.e_f:T_1.x-y", "mcr.microsoft.com", "a__b/c-d.e_f", "T_1.x-y", null },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_references_parse_with_the_defaults(string text, string registry, string repository, string? tag, string? digest)
    {
        var reference = ImageReference.Parse(text);

        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest?.ToString());
    }

    [Fact]
    public void Docker_hub_names_go_to_its_api_host_and_keep_their_familiar_name()
    {
        var reference = ImageReference.Parse("docker.io/alpine");

        Assert.Equal(ImageReference.DockerHubApiHost, reference.ApiHost);
        Assert.Equal("alpine", reference.FamiliarName);
        Assert.Equal("alpine:latest", reference.FamiliarNameWithTag);
        Assert.Equal("mcr.microsoft.com", ImageReference.Parse("servercore").ApiHost);
    }

    [Fact]
    public void A_digest_reference_asks_for_the_digest_and_has_no_repo_tag()
    {
        var reference = ImageReference.Parse($"127.0.0.1:5000/a@sha256:{Hex}");

        Assert.Equal($"sha256:{Hex}", reference.ManifestReference);
        Assert.Null(reference.FamiliarNameWithTag);
        Assert.Equal("a-0123456789ab", reference.SuggestedFileName());
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "Servercore", "must be lowercase" },
        { "windows/ServerCore:ltsc2019", "must be lowercase" },
        { "", "empty" },
        { "   ", "empty" },
        { "a//b", "empty path component" },
        { "a/", "empty path component" },
        { "a:.x", "not a valid tag" },
        { "a:-x", "not a valid tag" },
        { "a:" + new string('x', 129), "not a valid tag" },
        { "a:", "not a valid tag" },
        { "a:tag\u00e9", "not a valid tag" },
        { "a:\u0661\u0662", "not a valid tag" },
        { "a@sha256:abc", "not a valid digest" },
        { "a@md5:" + Hex[..32], "not a valid digest" },
        { $"a@sha256:{Hex.ToUpperInvariant()}", "not a valid digest" },
        { "a b", "white space" },
        { "a\tb", "white space" },
        { new string('a', 1025), "too long" },
        { string.Join('/', Enumerable.Repeat("abcdefghij", 26)), "longer than 255" },
        { "a/../b", "not a valid name component" },
        { "a/-b", "not a valid name component" },
        { ":tag", "repository name is missing" },
        { "my_host:99999999/a", "not a valid registry host" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_references_say_what_is_wrong(string text, string expected)
    {
        var e = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse(text));

        Assert.Contains(expected, e.Message);
        Assert.Contains("invalid image reference", e.Message);
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Theory]
    [InlineData("x\n")]
    [InlineData("x\u00e9")]
    [InlineData("../x")]
    [InlineData("")]
    public void Tags_from_a_registry_are_checked_against_the_ascii_grammar(string tag)
    {
        Assert.False(ImageReference.IsValidTag(tag));
    }

    [Theory]
    [InlineData("a\n")]
    [InlineData("a/../b")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("\u00e9")]
    public void Repository_names_are_checked_against_the_grammar(string repository)
    {
        Assert.False(ImageReference.IsValidRepository(repository));
    }

    [Fact]
    public void A_128_character_tag_is_the_longest_allowed()
    {
        var tag = new string('x', 128);

        Assert.Equal(tag, ImageReference.Parse("a:" + tag).Tag);
    }

    [Theory]
    [InlineData("windows/servercore:ltsc2019")]
    [InlineData("windows/servercore@sha256:" + Hex)]
    public void A_repository_for_tags_has_no_tag_or_digest(string text)
    {
        Assert.Throws<InvalidReferenceException>(() => ImageReference.ParseRepository(text));
        Assert.Equal("windows/servercore", ImageReference.ParseRepository("windows/servercore").Repository);
        Assert.Equal("localhost:5000", ImageReference.ParseRepository("localhost:5000/a").Registry);
    }
}
