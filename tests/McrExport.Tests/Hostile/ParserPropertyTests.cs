using System.Text;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Registry;
using McrExport.Registry.Auth;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>
/// Random inputs (seeded, so a failure repeats): the parsers throw nothing but our own typed errors, and the ones
/// documented never to throw do not throw at all.
/// </summary>
public sealed class ParserPropertyTests
{
    private const int Cases = 4000;

    private static readonly string[] Fragments =
    [
        "a", "Z", "0", "9", "/", ":", "@", ".", "..", "-", "_", "__", " ", "\t", "\n", "\0", "\"", "\\", ",", ";", "=", "<", ">",
        "[", "]", "%2e", "é", "\u0661", "\ud800", "sha256:", "sha512:", "md5:", "latest", "localhost", "127.0.0.1:5000",
        "[::1]", "docker.io", "mcr.microsoft.com", "library", "Bearer", "Basic", "realm=", "service=", "scope=", "rel=\"next\"",
        "rel=next", "http://", "https://", "file:///", "//", "?", "&", "#", "{", "}", "null", "true", "1e400", "-1",
        new string('f', 64), new string('a', 128), new string('x', 300),
    ];

    private static string RandomText(Random random, int maxParts = 12)
    {
        var builder = new StringBuilder();
        var parts = random.Next(0, maxParts);
        for (var i = 0; i < parts; i++)
        {
            if (random.Next(5) == 0) builder.Append((char)random.Next(0, 0x3000));
            else builder.Append(Fragments[random.Next(Fragments.Length)]);
        }
        return builder.ToString();
    }

    /// <summary>A valid sample with a few random edits: the interesting inputs are near the grammar.</summary>
    private static string Mutate(Random random, string sample)
    {
        var chars = new StringBuilder(sample);
        var edits = random.Next(1, 4);
        for (var i = 0; i < edits; i++)
        {
            var at = chars.Length == 0 ? 0 : random.Next(chars.Length + 1);
            switch (random.Next(3))
            {
                case 0 when chars.Length > 0 && at < chars.Length: chars.Remove(at, 1); break;
                case 1: chars.Insert(at, Fragments[random.Next(Fragments.Length)]); break;
                default: chars.Insert(at, (char)random.Next(0, 0x3000)); break;
            }
        }
        return chars.ToString();
    }

    private static IEnumerable<string> Inputs(int seed, params string[] samples)
    {
        var random = new Random(seed);
        for (var i = 0; i < Cases; i++)
            yield return i % 2 == 0 ? RandomText(random) : Mutate(random, samples[random.Next(samples.Length)]);
    }

    private static void OnlyTyped<TExpected>(string input, Action parse) where TExpected : McrExportException
    {
        try
        {
            parse();
        }
        catch (TExpected)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"input {Show(input)} threw {e.GetType().Name}: {e.Message}");
        }
    }

    private static string Show(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    [Fact]
    public void Image_reference_parse_throws_only_invalid_reference()
    {
        foreach (var input in Inputs(1, "servercore:ltsc2019", "127.0.0.1:5000/a/b:t@sha256:" + new string('a', 64), "[::1]:5000/a", "docker.io/library/alpine:3.20"))
            OnlyTyped<InvalidReferenceException>(input, () =>
            {
                var reference = ImageReference.Parse(input);
                Assert.True(ImageReference.IsValidRepository(reference.Repository), Show(input));
                Assert.True(reference.Tag is null || ImageReference.IsValidTag(reference.Tag), Show(input));
                Assert.DoesNotContain("..", reference.SuggestedFileName());
            });
    }

    [Fact]
    public void Digest_parse_throws_only_invalid_digest_and_accepts_only_safe_names()
    {
        foreach (var input in Inputs(2, "sha256:" + new string('a', 64), "sha512:" + new string('0', 128)))
        {
            OnlyTyped<InvalidDigestException>(input, () => Digest.Parse(input, "field"));
            if (Digest.TryParse(input, out var digest))
                Assert.Matches("^[0-9a-f]+$", digest.Encoded);
        }
    }

    [Fact]
    public void Challenge_parsing_never_throws()
    {
        foreach (var input in Inputs(3, "Bearer realm=\"https://a/token\",service=\"s\",scope=\"repository:a:pull,push\"", "Basic realm=x, Bearer realm=y"))
        {
            var challenges = AuthChallenge.ParseAll(input);
            Assert.All(challenges, c => Assert.NotEmpty(c.Scheme));
        }
    }

    [Fact]
    public void Link_header_parsing_never_throws_and_stays_on_the_registry()
    {
        var baseUri = new Uri("http://127.0.0.1:5000/");
        foreach (var input in Inputs(4, "</v2/a/tags/list?n=2&last=b>; rel=\"next\"", "<http://127.0.0.1:5000/v2/x>; rel=next, <y>; rel=prev"))
        {
            var next = LinkHeader.NextPath([input], baseUri);
            if (next is not null) Assert.Equal(baseUri.Authority, new Uri(baseUri, next).Authority);
        }
    }

    [Fact]
    public void Manifest_parsing_throws_only_typed_errors()
    {
        var samples = new[]
        {
            Encoding.UTF8.GetString(HostileDocuments.Manifest()),
            Encoding.UTF8.GetString(HostileDocuments.Manifest(layers: HostileDocuments.Descriptor(MediaTypes.DockerForeignLayerGzip, extra: ",\"urls\":[\"https://x/y\"]"))),
            $"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{HostileDocuments.Descriptor(MediaTypes.OciManifest, extra: ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}")}]}}",
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + new string('a', 64) + "\"]}}",
        };
        string?[] contentTypes = [null, MediaTypes.DockerManifest, MediaTypes.OciIndex, MediaTypes.DockerSchema1Signed, "text/html"];
        var random = new Random(5);
        foreach (var input in Inputs(5, samples))
        {
            var bytes = Encoding.UTF8.GetBytes(input);
            var contentType = contentTypes[random.Next(contentTypes.Length)];
            OnlyTyped<IntegrityException>(input, () => ManifestParser.Parse(bytes, contentType));
            OnlyTyped<IntegrityException>(input, () => ManifestParser.ParseConfig(bytes));
        }
    }

    [Fact]
    public void Manifest_parsing_survives_random_bytes()
    {
        var random = new Random(6);
        for (var i = 0; i < Cases; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (random.Next(2) == 0 && bytes.Length > 0) bytes[0] = (byte)'{';
            OnlyTyped<IntegrityException>(Convert.ToHexString(bytes), () => ManifestParser.Parse(bytes, null));
        }
    }

    [Fact]
    public void Registry_error_parsing_never_throws()
    {
        foreach (var input in Inputs(7, "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"x\"}]}", "<?xml version=\"1.0\"?><Error><Code>BlobNotFound</Code></Error>"))
            RegistryError.Parse(Encoding.UTF8.GetBytes(input));
    }

    [Fact]
    public void Tag_list_parsing_throws_only_typed_errors_and_keeps_only_valid_tags()
    {
        foreach (var input in Inputs(8, "{\"name\":\"a\",\"tags\":[\"ltsc2019\",\"1809\"]}"))
            OnlyTyped<IntegrityException>(input, () =>
                Assert.All(TagList.Parse(Encoding.UTF8.GetBytes(input)), t => Assert.True(ImageReference.IsValidTag(t))));
    }
}
