using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>
/// Every command's <c>--json</c>, run as a child process on a Windows-like image (a manifest list, os.version,
/// a foreign base layer served through an fwlink-style redirector): one document on standard output, valid against
/// its schema in docs/schema, with platforms and sources as objects and sizes as numbers.
/// </summary>
public sealed class JsonContractTests
{
    private static IEnumerable<string> Hosts(WindowsLikeScenario s) =>
        ["--insecure-registry", s.Fwlink.Host.Authority, "--insecure-registry", s.Cdn.Host.Authority];

    [Fact]
    public async Task Inspect_export_verify_push_tags_and_cache_list_print_documents_that_match_their_schemas()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct, foreignLayerSize: 64 * 1024);
        using var temp = new TempFolder();
        var cache = temp.Combine("cache");
        var tar = temp.Combine("servercore.tar");
        var entry = scenario.Entry("10.0.17763.6532");

        var inspect = await BuiltTool.RunAsync(["inspect", scenario.Reference, "--os-version", "10.0.17763", "--json", .. Hosts(scenario)], ct);
        Assert.True(inspect.ExitCode == 0, inspect.Describe());
        var inspected = SchemaCheck.Validate("inspect", inspect.Out);
        Assert.Equal("10.0.17763.6532", inspected.GetProperty("platform").GetProperty("osVersion").GetString());
        Assert.Equal("windows", inspected.GetProperty("platform").GetProperty("os").GetString());
        var foreign = inspected.GetProperty("layers")[0];
        Assert.True(foreign.GetProperty("foreign").GetBoolean());
        Assert.Contains(foreign.GetProperty("sources").EnumerateArray(), s => s.GetProperty("kind").GetString() == "url"
            && s.GetProperty("url").GetString() == entry.LinkUri.ToString() && s.GetProperty("host").GetString() == entry.LinkUri.Authority);
        Assert.Equal(entry.ForeignLayer.Size, foreign.GetProperty("size").GetInt64());

        var export = await BuiltTool.RunAsync([scenario.Reference, "--os-version", "10.0.17763", "-o", tar, "--cache-dir", cache, "--json", .. Hosts(scenario)], ct);
        Assert.True(export.ExitCode == 0, export.Describe());
        Assert.Equal("", export.Error);
        var exported = SchemaCheck.Validate("export", export.Out);
        Assert.Equal(new FileInfo(tar).Length, exported.GetProperty("outputBytes").GetInt64());
        Assert.Equal(tar, exported.GetProperty("output").GetString());
        Assert.Equal(entry.Image.ManifestDigest.ToString(), exported.GetProperty("images")[0].GetProperty("manifestDigest").GetString());
        Assert.True(exported.GetProperty("bytesDownloaded").GetInt64() >= entry.ForeignLayer.Size);

        var again = await BuiltTool.RunAsync([scenario.Reference, "--os-version", "10.0.17763", "-o", tar, "--cache-dir", cache, "--json", .. Hosts(scenario)], ct);
        Assert.True(again.ExitCode == 0, again.Describe());
        var cached = SchemaCheck.Validate("export", again.Out);
        Assert.Equal(0, cached.GetProperty("bytesDownloaded").GetInt64());
        Assert.True(cached.GetProperty("bytesFromCache").GetInt64() >= entry.ForeignLayer.Size);

        var verify = await BuiltTool.RunAsync(["verify", tar, "--json"], ct);
        Assert.True(verify.ExitCode == 0, verify.Describe());
        var verified = SchemaCheck.Validate("verify", verify.Out);
        Assert.True(verified.GetProperty("ok").GetBoolean());
        Assert.Equal("10.0.17763.6532", verified.GetProperty("images")[0].GetProperty("platform").GetProperty("osVersion").GetString());

        await using var target = await RegistryPeer.StartAsync(ct);
        var push = await BuiltTool.RunAsync(["push", tar, $"{target.Authority}/windows/servercore:ltsc2019", "--json", "--cache-dir", cache,
            "--insecure-registry", target.Authority], ct);
        Assert.True(push.ExitCode == 0, push.Describe());
        var pushed = SchemaCheck.Validate("push", push.Out);
        Assert.Equal(entry.Image.ManifestDigest.ToString(), pushed.GetProperty("images")[0].GetProperty("digest").GetString());
        Assert.Equal(1, pushed.GetProperty("blobs").GetProperty("leftForeign").GetInt32());

        var tags = await BuiltTool.RunAsync(["tags", $"{scenario.Registry.Authority}/windows/servercore", "--filter", "ltsc20*", "--json"], ct);
        Assert.True(tags.ExitCode == 0, tags.Describe());
        var listed = SchemaCheck.Validate("tags", tags.Out);
        Assert.Contains("ltsc2019", listed.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.True(listed.GetProperty("complete").GetBoolean());

        var list = await BuiltTool.RunAsync(["cache", "list", "--cache-dir", cache, "--json"], ct);
        Assert.True(list.ExitCode == 0, list.Describe());
        var blobs = SchemaCheck.Validate("cache-list", list.Out);
        Assert.Contains(blobs.GetProperty("blobs").EnumerateArray(), b => b.GetProperty("digest").GetString() == entry.ForeignLayer.Digest.ToString());
    }

    [Fact]
    public async Task A_failed_verify_still_prints_a_valid_document_and_exits_6()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = TestImages.Small("hello");
        registry.Push("demo/hello", "1.0", image);
        using var temp = new TempFolder();
        var layout = temp.Combine("layout");
        var export = await BuiltTool.RunAsync([registry.Reference("demo/hello", "1.0"), "-f", "oci", "-o", layout, "--no-cache", "-q"], ct);
        Assert.True(export.ExitCode == 0, export.Describe());
        var blob = Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).OrderByDescending(f => new FileInfo(f).Length).First();
        await File.AppendAllTextAsync(blob, "tampered", ct);

        var verify = await BuiltTool.RunAsync(["verify", layout, "--json"], ct);

        Assert.True(verify.ExitCode == 6, verify.Describe());
        var document = SchemaCheck.Validate("verify", verify.Out);
        Assert.False(document.GetProperty("ok").GetBoolean());
        Assert.NotEmpty(document.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task Verify_of_a_layout_with_attestations_lists_them_as_artifacts()
    {
        var ct = TestContext.Current.CancellationToken;
        var amd64 = TestImages.Small("verifyjson", "amd64", ManifestFormat.Oci);
        var arm64 = TestImages.Small("verifyjson", "arm64", ManifestFormat.Oci);
        TestImage[] attestations = [TestImages.Attestation(amd64), TestImages.Attestation(arm64)];
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("demo/hello", "1.0", TestImages.IndexOf(ManifestFormat.Oci, [amd64, arm64, .. attestations]));
        using var temp = new TempFolder();
        var tar = temp.Combine("hello.oci.tar");
        var export = await BuiltTool.RunAsync([registry.Reference("demo/hello", "1.0"), "--all-platforms", "-f", "oci-tar", "-o", tar, "--no-cache", "-q"], ct);
        Assert.True(export.ExitCode == 0, export.Describe());

        var verify = await BuiltTool.RunAsync(["verify", tar, "--json"], ct);

        Assert.True(verify.ExitCode == 0, verify.Describe());
        var document = SchemaCheck.Validate("verify", verify.Out);
        Assert.Equal(new[] { amd64.ManifestDigest.ToString(), arm64.ManifestDigest.ToString() }.Order(),
            document.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("manifestDigest").GetString()!).Order());
        Assert.Equal(attestations.Select(a => a.ManifestDigest.ToString()).Order(),
            document.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("digest").GetString()!).Order());
        Assert.All(document.GetProperty("artifacts").EnumerateArray(), a => Assert.Equal(2, a.GetProperty("blobs").GetInt32()));
    }

    [Fact]
    public async Task Cache_prune_prints_what_it_removed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = TestImages.Small("prune");
        registry.Push("demo/hello", "1.0", image);
        using var temp = new TempFolder();
        var cache = temp.Combine("cache");
        var export = await BuiltTool.RunAsync([registry.Reference("demo/hello", "1.0"), "-o", temp.Combine("x.tar"), "--cache-dir", cache, "-q"], ct);
        Assert.True(export.ExitCode == 0, export.Describe());

        var prune = await BuiltTool.RunAsync(["cache", "prune", "--all", "--cache-dir", cache, "--json"], ct);

        Assert.True(prune.ExitCode == 0, prune.Describe());
        var removed = SchemaCheck.Validate("cache-prune", prune.Out);
        Assert.Equal(1 + image.Layers.Count, removed.GetProperty("count").GetInt32());
        Assert.Equal(image.ConfigBytes.Length + image.Layers.Sum(l => l.Bytes.Length), removed.GetProperty("bytes").GetInt64());
        Assert.Contains(removed.GetProperty("removed").EnumerateArray(), b => b.GetProperty("digest").GetString() == image.Layers[0].Digest.ToString());
        var left = await BuiltTool.RunAsync(["cache", "list", "--cache-dir", cache, "--json"], ct);
        Assert.Equal(0, SchemaCheck.Validate("cache-list", left.Out).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Export_to_standard_output_puts_the_document_on_standard_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("demo/hello", "1.0", TestImages.Small("hello"));
        using var temp = new TempFolder();

        var run = await BuiltTool.RunAsync([registry.Reference("demo/hello", "1.0"), "-o", "-", "--no-cache", "--json"], ct);

        Assert.True(run.ExitCode == 0, run.Describe());
        SchemaCheck.Validate("export", run.Error);
    }
}

/// <summary>The schema check itself: a document missing required fields, or with a display string for a platform, fails it.</summary>
public sealed class SchemaCheckTests
{
    [Theory]
    [InlineData("""{"schemaVersion":1,"command":"export"}""")]
    [InlineData("""{"schemaVersion":1,"command":"verify","archive":"x","ok":true,"images":[{"names":[],"platform":"linux/amd64","manifestDigest":"sha256:ab","layers":1,"size":2}],"artifacts":[],"blobsChecked":1,"bytesChecked":2,"problems":[]}""")]
    [InlineData("""{"command":"verify","schemaVersion":1,"archive":"x","ok":true,"images":[],"artifacts":[],"blobsChecked":1,"bytesChecked":2,"problems":[]}""")]
    public void A_document_off_its_schema_fails_the_check(string document)
    {
        var name = document.Contains("\"export\"", StringComparison.Ordinal) ? "export" : "verify";

        Assert.ThrowsAny<Exception>(() => SchemaCheck.Validate(name, document));
    }

    [Fact]
    public void A_document_on_its_schema_passes()
    {
        var root = SchemaCheck.Validate("verify", """{"schemaVersion":1,"command":"verify","archive":"x","ok":true,"images":[],"artifacts":[],"blobsChecked":1,"bytesChecked":2,"problems":[]}""");

        Assert.Equal("x", root.GetProperty("archive").GetString());
    }
}
