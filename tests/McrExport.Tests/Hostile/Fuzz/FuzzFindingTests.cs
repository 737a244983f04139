using System.Text;
using McrExport.Archive;
using McrExport.Errors;
using McrExport.Model;
using Xunit;

namespace McrExport.Tests.Hostile.Fuzz;

/// <summary>
/// What tests/fuzz.sh found, one test per finding, with the input the fuzzer saved (shortened where the shorter input
/// fails the same way).
/// </summary>
public sealed class FuzzFindingTests
{
    /// <summary>
    /// reference target: a first component that is a host only by its capitals (Docker's rule) was lowercased, so the
    /// reference printed as a repository of the default registry: <c>uA/buntu</c> → <c>ua/buntu:latest</c> →
    /// <c>mcr.microsoft.com/ua/buntu</c>.
    /// </summary>
    [Theory]
    [InlineData("uA/buntu", "uA", "buntu")]
    [InlineData("P/30", "P", "30")]
    [InlineData("wI6-Y/6-n2", "wI6-Y", "6-n2")]
    [InlineData("localhostG5000/a/b-c_d.e@sha256:2d711642b726b04401628ca9fbac32f5c8530fb1903cc4db02258717921a4881", "localhostG5000", "a/b-c_d.e")]
    public void A_host_named_by_its_capitals_stays_a_host_when_printed_and_parsed_again(string text, string registry, string repository)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(reference, ImageReference.Parse(reference.ToString()));
    }

    [Theory]
    [InlineData("Registry.Example:5000/a/b:1", "registry.example:5000")]
    [InlineData("LOCALHOST/a", "localhost")]
    public void A_host_with_a_dot_a_port_or_localhost_is_still_lowercased(string text, string registry)
    {
        var reference = ImageReference.Parse(text);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(reference, ImageReference.Parse(reference.ToString()));
    }

    private const string DiffId = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

    /// <summary>
    /// tar and docker-archive targets: a config (or manifest) whose strings hold bytes that are not UTF-8 passed
    /// JsonDocument.Parse and threw InvalidOperationException when a string was read: "unexpected error", exit 1.
    /// </summary>
    [Theory]
    [InlineData("config")]
    [InlineData("manifest")]
    [InlineData("index")]
    public void A_document_with_bytes_that_are_not_utf8_is_an_integrity_error(string kind)
    {
        var text = kind switch
        {
            "config" => $$$"""{"architecture":"amd64","os":"li\xB4nux","rootfs":{"type":"layers","diff_ids":["{{{DiffId}}}"]}}""",
            "manifest" => $$$"""{"schemaVersion":2,"mediaType":"\xFF","config":{},"layers":[]}""",
            _ => $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"a","digest":"{{{DiffId}}}","size":1,"annotations":{"\xC3":"x"}}]}""",
        };
        var bytes = Latin1WithEscapes(text);
        Assert.ThrowsAny<IntegrityException>(() => kind == "config" ? ManifestParser.ParseConfig(bytes) : ManifestParser.Parse(bytes, null));
    }

    /// <summary>The same for a lone surrogate escape, which is valid UTF-8 but no text.</summary>
    [Fact]
    public void A_config_with_a_lone_surrogate_escape_is_an_integrity_error()
    {
        var bytes = Encoding.UTF8.GetBytes($$$"""{"architecture":"amd64","os":"linux\ud800","rootfs":{"type":"layers","diff_ids":["{{{DiffId}}}"]}}""");
        Assert.Throws<InvalidManifestException>(() => ManifestParser.ParseConfig(bytes));
    }

    /// <summary>An <c>oci-layout</c> whose version string is not UTF-8 is a problem of the layout, not an exception.</summary>
    [Fact]
    public void An_oci_layout_file_with_bytes_that_are_not_utf8_is_a_problem()
    {
        var folder = Directory.CreateTempSubdirectory("mcr-fuzz-layout-");
        try
        {
            File.WriteAllBytes(Path.Combine(folder.FullName, "oci-layout"), Latin1WithEscapes("""{"imageLayoutVersion":"1.0.\xFF"}"""));
            var problem = LayoutVersion.Check(ImageArchive.Open(folder.FullName));
            Assert.NotNull(problem);
            Assert.Contains("oci-layout", problem);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The same class of input in a registry's tag list: a tag that is not UTF-8 is an integrity error.</summary>
    [Fact]
    public void A_tag_list_with_bytes_that_are_not_utf8_is_an_integrity_error()
    {
        var body = Latin1WithEscapes("""{"name":"a/b","tags":["1.0","x\xFFy"]}""");
        Assert.Throws<InvalidManifestException>(() => McrExport.Registry.TagList.Parse(body));
    }

    /// <summary>An error answer is read without ever throwing, a lone surrogate escape in its message included.</summary>
    [Fact]
    public void An_error_answer_with_a_lone_surrogate_escape_gives_no_error_list_instead_of_throwing()
    {
        var body = Encoding.UTF8.GetBytes("""{"errors":[{"code":"DENIED","message":"no\ud800"}]}""");
        Assert.Empty(McrExport.Registry.RegistryError.Parse(body));
    }

    /// <summary>A token service answering JSON that is no object (or not UTF-8) is an authentication error, exit 4.</summary>
    [Theory]
    [InlineData("[]")]
    [InlineData("\"token\"")]
    [InlineData("{\"token\":\"a\xFFb\"}")]
    public async Task A_token_answer_that_is_no_token_object_is_an_authentication_error(string answer)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await McrExport.Tests.Fakes.FakeRegistry.StartAsync(cancellationToken: ct);
        registry.UseBearerAuth();
        var body = Latin1WithEscapes(answer);
        registry.Host.Map("/token", async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        });

        var result = await McrExport.Tests.Support.CliRunner.RunAsync(["inspect", registry.Reference("a/b", "1")], cancellationToken: ct);

        Assert.Equal(ExitCodes.Auth, result.ExitCode);
        Assert.Contains("token", result.Error);
        Assert.DoesNotContain("unexpected", result.Error);
    }

    /// <summary>The text with each <c>\xNN</c> as that byte.</summary>
    private static byte[] Latin1WithEscapes(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 3 < text.Length && text[i + 1] == 'x')
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 2, 2), 16));
                i += 3;
                continue;
            }
            bytes.Add((byte)text[i]);
        }
        return bytes.ToArray();
    }
}
