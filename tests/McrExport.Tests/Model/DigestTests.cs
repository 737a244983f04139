using McrExport.Errors;
using McrExport.Model;
using Xunit;

namespace McrExport.Tests.Model;

public sealed class DigestTests
{
    private static readonly string Hex64 = new('a', 64);
    private static readonly string Hex128 = string.Concat(Enumerable.Repeat("0123456789abcdef", 8));

    [Fact]
    public void Sha256_and_sha512_are_accepted()
    {
        var sha256 = Digest.Parse("sha256:" + Hex64);
        var sha512 = Digest.Parse("sha512:" + Hex128);

        Assert.Equal(("sha256", Hex64), (sha256.Algorithm, sha256.Encoded));
        Assert.Equal(("sha512", Hex128), (sha512.Algorithm, sha512.Encoded));
        Assert.Equal("sha512:" + Hex128, sha512.ToString());
    }

    [Fact]
    public void Compute_matches_the_known_hash_of_empty_input()
    {
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Digest.Compute([]).ToString());
        Assert.Equal(Digest.Sha512, Digest.Compute([1, 2], Digest.Sha512).Algorithm);
    }

    public static TheoryData<string?, string> Rejected => new()
    {
        { "sha256:../../x", "algorithm:hex" },
        { "sha256:../../etc/passwd", "algorithm:hex" },
        { "sha256:" + new string('A', 64), "64 lowercase hex" },
        { "sha256:" + new string('a', 63), "64 lowercase hex" },
        { "sha256:" + new string('a', 65), "64 lowercase hex" },
        { "sha512:" + new string('a', 64), "128 lowercase hex" },
        { "md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported algorithm 'md5'" },
        { "", "empty" },
        { null, "empty" },
        { "sha256:", "algorithm:hex" },
        { ":" + new string('a', 64), "algorithm:hex" },
        { "sha256:" + new string('a', 64) + "\n", "algorithm:hex" },
        { "sha256:" + new string('a', 300), "too long" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Bad_digests_are_rejected_with_a_message_naming_the_field(string? value, string reason)
    {
        var e = Assert.Throws<InvalidDigestException>(() => Digest.Parse(value, "layers[3].digest"));

        Assert.Contains("layers[3].digest", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.Equal(ExitCodes.Integrity, e.ExitCode);
        Assert.False(Digest.TryParse(value, out _));
    }

    [Fact]
    public void Json_reading_validates_the_digest()
    {
        Assert.Throws<InvalidDigestException>(() =>
            System.Text.Json.JsonSerializer.Deserialize<Digest>("\"sha256:../../etc/passwd\""));
        Assert.Equal(Hex64, System.Text.Json.JsonSerializer.Deserialize<Digest>($"\"sha256:{Hex64}\"").Encoded);
    }
}
