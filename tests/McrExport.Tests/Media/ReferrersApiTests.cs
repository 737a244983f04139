using System.Text.Json.Nodes;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Model;
using McrExport.Registry;
using McrExport.Registry.Auth;
using McrExport.Registry.Referrers;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Media;

/// <summary>
/// Referrer discovery against the in-process fake serving the OCI 1.1 referrers API (no real program here has it):
/// found by the API, filtered by artifactType, bounded, hostile listings refused; and no extra request at all
/// without <c>--referrers</c>.
/// </summary>
public sealed class ReferrersApiTests
{
    private static RegistryClient Client(FakeRegistry registry, TempFolder temp) =>
        new(registry.Authority, registry.Authority, new HttpTransport(new TransportPolicy([registry.Authority])),
            new DockerConfigCredentialSource(temp.Combine("none.json")), new RetryPolicy(1, TimeSpan.FromMilliseconds(10)));

    private static bool IsReferrersRequest(RecordedRequest r) => r.Path.Contains("/referrers/", StringComparison.Ordinal);

    private static bool IsTagSchemaOrCosignRequest(RecordedRequest r) => r.Path.Contains("/manifests/sha256-", StringComparison.Ordinal);

    [Fact]
    public async Task Export_finds_referrers_through_the_api_recursively_and_holds_them_in_the_oci_tar()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.ServesReferrersApi = true;
        var scenario = ReferrerScenario.Create();
        scenario.SeedInto(registry);
        using var temp = new TempFolder();
        var tar = temp.Combine("signed.oci.tar");

        var exported = await CliRunner.RunAsync([registry.Reference(ReferrerScenario.Repository, ReferrerScenario.Tag), "-f", "oci-tar", "-o", tar,
            "--referrers", "--no-cache"], cancellationToken: ct);
        Assert.True(exported.ExitCode == 0, exported.Error);
        var files = TarContents.Read(tar).ToFiles();
        ReferrersExportTests.AssertHolds(scenario, ReferrersExportTests.IndexEntries(files["index.json"]), name => files.GetValueOrDefault(name));

        var referrerCalls = registry.Requests.Where(IsReferrersRequest).Select(r => r.Path).ToList();
        Assert.Contains($"/v2/{ReferrerScenario.Repository}/referrers/{scenario.Image.ManifestDigest}", referrerCalls);
        Assert.Contains($"/v2/{ReferrerScenario.Repository}/referrers/{scenario.Sbom.Digest}", referrerCalls);
        Assert.DoesNotContain(registry.Requests, r => r.Path.EndsWith($"/manifests/{ReferrerTags.FallbackTag(scenario.Image.ManifestDigest)}", StringComparison.Ordinal));
        Assert.Contains(registry.Requests, r => r.Path.EndsWith($"/manifests/{scenario.Cosign.Tag}", StringComparison.Ordinal));

        var verified = await CliRunner.RunAsync(["verify", tar], cancellationToken: ct);
        Assert.True(verified.ExitCode == 0, verified.Error);
        Assert.True(verified.Out.Contains("with 2 Notary signatures, 1 SPDX SBOM, 1 cosign signature", StringComparison.Ordinal), verified.Out);
    }

    [Fact]
    public async Task An_artifact_type_filter_is_sent_to_the_api_and_keeps_only_that_type_and_what_refers_to_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.ServesReferrersApi = true;
        var scenario = ReferrerScenario.Create();
        scenario.SeedInto(registry);
        using var temp = new TempFolder();
        var layout = temp.Combine("layout");

        var exported = await CliRunner.RunAsync([registry.Reference(ReferrerScenario.Repository, ReferrerScenario.Tag), "-f", "oci", "-o", layout,
            "--referrers-type", ReferrerKinds.SpdxJson, "--no-cache"], cancellationToken: ct);
        Assert.True(exported.ExitCode == 0, exported.Error);
        var entries = ReferrersExportTests.IndexEntries(File.ReadAllBytes(Path.Combine(layout, "index.json")));
        Assert.Equal([scenario.Image.ManifestDigest.ToString(), scenario.Sbom.Digest.ToString(), scenario.SbomSignature.Digest.ToString()],
            entries.Select(e => e.GetProperty("digest").GetString()!).ToArray());
        Assert.Contains(registry.Requests, r => r.PathAndQuery == $"/v2/{ReferrerScenario.Repository}/referrers/{scenario.Image.ManifestDigest}?artifactType=application%2Fspdx%2Bjson");
        Assert.DoesNotContain(registry.Requests, r => r.Path.Contains($"/manifests/{ReferrerTags.FallbackTag(scenario.Image.ManifestDigest)}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci")]
    public async Task Without_referrers_no_extra_request_is_made_and_the_layout_holds_the_image_alone(string format)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.ServesReferrersApi = true;
        var scenario = ReferrerScenario.Create();
        scenario.SeedInto(registry);
        using var temp = new TempFolder();
        var output = temp.Combine("out");

        var exported = await CliRunner.RunAsync([registry.Reference(ReferrerScenario.Repository, ReferrerScenario.Tag), "-f", format, "-o", output, "--no-cache"],
            cancellationToken: ct);
        Assert.True(exported.ExitCode == 0, exported.Error);
        Assert.DoesNotContain(registry.Requests, IsReferrersRequest);
        Assert.DoesNotContain(registry.Requests, IsTagSchemaOrCosignRequest);
        var artifactDigests = scenario.All.Select(a => a.Digest.ToString()).ToHashSet();
        Assert.DoesNotContain(registry.Requests, r => artifactDigests.Any(d => r.Path.EndsWith(d, StringComparison.Ordinal)));
        // manifest, config, one layer: nothing else asked for
        Assert.Equal(3, registry.Requests.Count(r => r.Path.StartsWith("/v2/signed/", StringComparison.Ordinal)));
        var index = format == "oci" ? File.ReadAllBytes(Path.Combine(output, "index.json")) : TarContents.Read(output).ToFiles()["index.json"];
        Assert.Single(ReferrersExportTests.IndexEntries(index));
    }

    [Fact]
    public async Task Without_the_api_the_tag_schema_is_read_and_a_registry_404_page_is_asked_only_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var scenario = ReferrerScenario.Create();
        scenario.SeedInto(registry);
        registry.AddManifest(ReferrerScenario.Repository, ReferrerTags.FallbackTag(scenario.Image.ManifestDigest),
            TestArtifacts.TagSchemaIndex(scenario.Signature), MediaTypes.OciIndex);
        using var temp = new TempFolder();
        var referrers = new ReferrersClient(Client(registry, temp));

        var found = await new ReferrerDiscovery(referrers).DiscoverAsync(ReferrerScenario.Repository, scenario.Image.ManifestDigest, null, ct);

        Assert.True(referrers.HasNoApi);
        Assert.Equal([scenario.Signature.Digest, scenario.Cosign.Digest], found.Select(r => r.Node.Digest).ToArray());
        // the fake logs a request once its handler returns, which may be just after the client has the answer
        for (var i = 0; i < 50 && !registry.Requests.Any(IsReferrersRequest); i++) await Task.Delay(20, ct);
        Assert.Equal(1, registry.Requests.Count(IsReferrersRequest));
        Assert.Equal("Notary signature", ReferrerGraph.KindOf(found[0]));
        Assert.Equal(scenario.Image.ManifestDigest, ReferrerGraph.SubjectOf(found[1]));
        Assert.Equal("cosign signature", ReferrerGraph.KindOf(found[1]));
    }

    [Fact]
    public async Task A_listed_manifest_whose_subject_is_another_digest_is_not_carried()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var scenario = ReferrerScenario.Create();
        scenario.SeedInto(registry);
        var stranger = TestArtifacts.NotarySignature(MediaTypes.OciManifest, Digest.Compute("someone else"u8.ToArray()), 10);
        foreach (var blob in stranger.Blobs) registry.AddBlob(blob, ReferrerScenario.Repository);
        registry.AddManifest(ReferrerScenario.Repository, null, stranger.ManifestBytes, MediaTypes.OciManifest);
        registry.AddManifest(ReferrerScenario.Repository, ReferrerTags.FallbackTag(scenario.Image.ManifestDigest),
            TestArtifacts.TagSchemaIndex(stranger, scenario.Sbom), MediaTypes.OciIndex);
        using var temp = new TempFolder();
        var warnings = new List<string>();

        var found = await new ReferrerDiscovery(new ReferrersClient(Client(registry, temp)), warn: warnings.Add)
            .DiscoverAsync(ReferrerScenario.Repository, scenario.Image.ManifestDigest, null, ct);

        Assert.DoesNotContain(found, r => r.Node.Digest == stranger.Digest);
        Assert.Contains(found, r => r.Node.Digest == scenario.Sbom.Digest);
        Assert.Contains(warnings, w => w.Contains("its subject is sha256:", StringComparison.Ordinal) && w.Contains("not carried", StringComparison.Ordinal));
    }

    [Fact]
    public async Task More_referrers_or_deeper_nesting_than_the_limits_allow_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.ServesReferrersApi = true;
        var scenario = ReferrerScenario.Create();
        scenario.SeedInto(registry);
        using var temp = new TempFolder();

        var count = await Assert.ThrowsAsync<IntegrityException>(() => new ReferrerDiscovery(new ReferrersClient(Client(registry, temp)), new ReferrerLimits(MaxCount: 2))
            .DiscoverAsync(ReferrerScenario.Repository, scenario.Image.ManifestDigest, null, ct));
        Assert.Contains("more than 2 referrers", count.Message);

        var depth = await Assert.ThrowsAsync<IntegrityException>(() => new ReferrerDiscovery(new ReferrersClient(Client(registry, temp)), new ReferrerLimits(MaxDepth: 1))
            .DiscoverAsync(ReferrerScenario.Repository, scenario.Image.ManifestDigest, null, ct));
        Assert.Contains("deeper than 1 levels", depth.Message);

        var size = await Assert.ThrowsAsync<IntegrityException>(() => new ReferrerDiscovery(new ReferrersClient(Client(registry, temp)), new ReferrerLimits(MaxBlobBytes: 100))
            .DiscoverAsync(ReferrerScenario.Repository, scenario.Image.ManifestDigest, null, ct));
        Assert.Contains("take more than 100 B", size.Message);
    }

    [Fact]
    public async Task A_referrers_answer_that_is_not_an_index_is_an_integrity_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var scenario = ReferrerScenario.Create();
        scenario.SeedInto(registry);
        registry.Host.Map($"/v2/{ReferrerScenario.Repository}/referrers/{scenario.Image.ManifestDigest}", async context =>
        {
            context.Response.ContentType = MediaTypes.OciIndex;
            await context.Response.Body.WriteAsync(scenario.Image.ManifestBytes, context.RequestAborted);
        });
        using var temp = new TempFolder();
        await Assert.ThrowsAnyAsync<IntegrityException>(() => new ReferrerDiscovery(new ReferrersClient(Client(registry, temp)))
            .DiscoverAsync(ReferrerScenario.Repository, scenario.Image.ManifestDigest, null, ct));
    }
}
