using McrExport.Registry.Auth;
using Xunit;

namespace McrExport.Tests.Registry;

public sealed class AuthChallengeTests
{
    [Fact]
    public void Quoted_parameters_keep_commas_inside_quotes()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll(
            "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a:pull,push\""));

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.example/token", challenge.Realm);
        Assert.Equal("registry.example", challenge.Service);
        Assert.Equal("repository:a:pull,push", challenge.Scope);
    }

    [Fact]
    public void Unquoted_values_end_at_a_comma_or_space()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll("Bearer realm=https://auth.example/token,service=reg scope=repository:x:pull"));

        Assert.Equal("https://auth.example/token", challenge.Realm);
        Assert.Equal("reg", challenge.Service);
        Assert.Equal("repository:x:pull", challenge.Scope);
    }

    [Fact]
    public void Escaped_quotes_are_unescaped()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll("Bearer realm=\"a\\\"b\\\\c\",service=\"s\""));

        Assert.Equal("a\"b\\c", challenge.Realm);
        Assert.Equal("s", challenge.Service);
    }

    [Fact]
    public void Scheme_and_parameter_names_are_case_insensitive()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll("bEARER REALM=\"r\", Service=\"s\", SCOPE=\"x\""));

        Assert.True(challenge.IsBearer);
        Assert.Equal(("r", "s", "x"), (challenge.Realm, challenge.Service, challenge.Scope));
    }

    [Fact]
    public void Several_challenges_in_one_header_are_all_read()
    {
        var challenges = AuthChallenge.ParseAll("Basic realm=\"Registry Realm\", Bearer realm=\"https://t/token\",service=\"svc\"");

        Assert.Equal(2, challenges.Count);
        Assert.True(challenges[0].IsBasic);
        Assert.Equal("Registry Realm", challenges[0].Realm);
        Assert.True(challenges[1].IsBearer);
        Assert.Equal("https://t/token", challenges[1].Realm);
        Assert.Equal("svc", challenges[1].Service);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(",,,")]
    [InlineData("=")]
    [InlineData("===,==")]
    [InlineData("\"\"\"")]
    public void Garbage_gives_no_challenge(string? header)
    {
        Assert.Empty(AuthChallenge.ParseAll(header));
    }

    [Theory]
    [InlineData("Bearer realm=\"unterminated")]
    [InlineData("Bearer realm=")]
    [InlineData("Bearer realm=\"x\\")]
    [InlineData("Bearer ,,, realm = \"x\" ,")]
    public void Malformed_challenges_give_what_could_be_read(string header)
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll(header));

        Assert.True(challenge.IsBearer);
        Assert.NotNull(challenge.Realm);
    }

    [Fact]
    public void An_oversized_header_is_ignored()
    {
        Assert.Empty(AuthChallenge.ParseAll("Bearer realm=\"" + new string('x', 20_000) + "\""));
    }
}
