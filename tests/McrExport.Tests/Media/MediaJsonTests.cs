using McrExport.Model;
using McrExport.Output.Split;
using McrExport.Tests.Cli;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Media;

/// <summary><c>export --json</c> with <c>--referrers</c> and <c>--split</c>: the document lists what was carried and the parts, and matches its schema.</summary>
public sealed class MediaJsonTests
{
    [Fact]
    public async Task The_export_document_lists_the_referrers_and_the_parts_and_matches_its_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.ServesReferrersApi = true;
        var scenario = ReferrerScenario.Create(TestImages.Image(new Platform("linux", "amd64"), [Layer.Random(1024 * 1024 + 999, seed: 41)], ManifestFormat.Oci));
        scenario.SeedInto(registry);
        using var temp = new TempFolder();
        var split = temp.Combine("signed.tar");

        var run = await CliRunner.RunAsync([registry.Reference(ReferrerScenario.Repository, ReferrerScenario.Tag), "-o", split, "--split", "1M", "--referrers",
            "--no-cache", "--json"], cancellationToken: ct);

        Assert.True(run.ExitCode == 0, run.Error);
        var document = SchemaCheck.Validate("export", run.Out);
        var referrers = document.GetProperty("referrers").EnumerateArray().ToList();
        Assert.Equal(scenario.All.Select(a => a.Digest.ToString()).Order(StringComparer.Ordinal),
            referrers.Select(r => r.GetProperty("digest").GetString()!).Order(StringComparer.Ordinal));
        var cosign = Assert.Single(referrers, r => r.GetProperty("tag").GetString() is not null);
        Assert.Equal(scenario.Cosign.Tag, cosign.GetProperty("tag").GetString());
        Assert.Equal("cosign signature", cosign.GetProperty("kind").GetString());
        Assert.Equal(scenario.Image.ManifestDigest.ToString(), cosign.GetProperty("subject").GetString());
        var sbomSignature = Assert.Single(referrers, r => r.GetProperty("digest").GetString() == scenario.SbomSignature.Digest.ToString());
        Assert.Equal(scenario.Sbom.Digest.ToString(), sbomSignature.GetProperty("subject").GetString());
        Assert.Equal(ReferrerKinds.NotarySignature, sbomSignature.GetProperty("artifactType").GetString());
        var parts = document.GetProperty("parts").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal<string?>([SplitOutput.PartPath(split, 1), SplitOutput.PartPath(split, 2), SplitOutput.ChecksumPath(split)], parts);
        Assert.Equal(parts.Take(2).Sum(p => new FileInfo(p!).Length), document.GetProperty("outputBytes").GetInt64());

        var plain = await CliRunner.RunAsync([registry.Reference(ReferrerScenario.Repository, ReferrerScenario.Tag), "-o", temp.Combine("plain.tar"), "--no-cache", "--json"],
            cancellationToken: ct);
        Assert.True(plain.ExitCode == 0, plain.Error);
        var without = SchemaCheck.Validate("export", plain.Out);
        Assert.False(without.TryGetProperty("referrers", out _));
        Assert.False(without.TryGetProperty("parts", out _));
    }
}
