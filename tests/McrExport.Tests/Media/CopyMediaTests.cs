using System.Text.Json;
using McrExport.Model;
using McrExport.Output.Split;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Media;

/// <summary>
/// <c>copy --split</c> and <c>copy --referrers</c>: registry → split archive (parts, <c>.sha256</c>, referrers in the
/// OCI part), split archive → registry (read from the parts in place, referrers put by the tag schema), registry →
/// registry; against the real distribution registry (2.8: tag schema, cosign tags) and the in-process fake for the
/// referrers API, which no installed registry has.
/// </summary>
public sealed class CopyMediaTests
{
    private static string[] Insecure(params string[] hosts) => hosts.SelectMany(h => new[] { "--insecure-registry", h }).ToArray();

    private static TestImage BigImage() =>
        TestImages.Image(new Platform("linux", "amd64"), [Layer.Random(2 * 1024 * 1024 + 4321, seed: 21), Layer.FromFiles(LayerFile.Text("etc/app.txt", "signed\n"))],
            ManifestFormat.Oci);

    private static bool AsksForReferrers(RecordedRequest r) =>
        r.Path.Contains("/referrers/", StringComparison.Ordinal) || r.Path.Contains("/manifests/sha256-", StringComparison.Ordinal);

    /// <summary>The referrers the tag schema of <paramref name="registry"/> lists for the scenario's image and its SBOM, and the cosign tag's bytes.</summary>
    private static async Task AssertAnswersReferrersAsync(ReferrerScenario scenario, Uri registry, string repository, CancellationToken ct)
    {
        var imageIndex = await ReferrerScenario.GetManifestAsync(registry, repository, ReferrerTags.FallbackTag(scenario.Image.ManifestDigest), ct);
        Assert.NotNull(imageIndex);
        Assert.Equal(new[] { scenario.Signature.Digest.ToString(), scenario.Sbom.Digest.ToString() }.Order(StringComparer.Ordinal),
            ReferrersExportTests.IndexEntries(imageIndex.Value.Bytes).Select(e => e.GetProperty("digest").GetString()!).Order(StringComparer.Ordinal));
        var sbomIndex = await ReferrerScenario.GetManifestAsync(registry, repository, ReferrerTags.FallbackTag(scenario.Sbom.Digest), ct);
        Assert.Equal(scenario.SbomSignature.Digest.ToString(),
            Assert.Single(ReferrersExportTests.IndexEntries(sbomIndex!.Value.Bytes)).GetProperty("digest").GetString());
        Assert.Equal(scenario.Cosign.ManifestBytes, (await ReferrerScenario.GetManifestAsync(registry, repository, scenario.Cosign.Tag!, ct))!.Value.Bytes);
        foreach (var artifact in scenario.All)
            Assert.Equal(artifact.ManifestBytes, (await ReferrerScenario.GetManifestAsync(registry, repository, artifact.Digest.ToString(), ct))!.Value.Bytes);
        Assert.Equal(scenario.Image.ManifestBytes, (await ReferrerScenario.GetManifestAsync(registry, repository, ReferrerScenario.Tag, ct))!.Value.Bytes);
    }

    [Fact]
    public async Task Registry_to_split_archive_to_registry_to_registry_carries_the_referrers_with_their_digests()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = ReferrerScenario.Create(BigImage());
        await using var source = await RegistryPeer.StartAsync(ct);
        await using var target = await RegistryPeer.StartAsync(ct);
        await scenario.SeedIntoAsync(source.BaseUri, ct);
        using var temp = new TempFolder();
        var hosts = Insecure(source.Authority, target.Authority);
        var split = temp.Combine("signed.tar");

        var copied = await CliRunner.RunAsync(["copy", $"docker://{source.Authority}/{ReferrerScenario.Repository}:{ReferrerScenario.Tag}",
            $"docker-archive:{split}", "--split", "1M", "--referrers", "--cache-dir", temp.Combine("cache"), .. hosts], cancellationToken: ct);
        Assert.True(copied.ExitCode == 0, copied.Error + source.Tail());
        Assert.Contains("wrote 1 image(s), 4 artifact(s)", copied.Out);
        Assert.False(File.Exists(split));
        var names = Directory.GetFiles(temp.Path, "signed.tar*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal<string?>(["signed.tar.001", "signed.tar.002", "signed.tar.003", "signed.tar.sha256"], names);
        Assert.All(Enumerable.Range(1, 2), n => Assert.Equal(1024 * 1024, new FileInfo(SplitOutput.PartPath(split, n)).Length));
        Assert.Empty(Directory.GetFiles(temp.Path, ".*partial"));

        var joined = temp.Combine("joined.tar");
        await using (var output = File.Create(joined))
            foreach (var n in Enumerable.Range(1, 3))
                await using (var part = File.OpenRead(SplitOutput.PartPath(split, n)))
                    await part.CopyToAsync(output, ct);
        var files = TarContents.Read(joined).ToFiles();
        ReferrersExportTests.AssertHolds(scenario, ReferrersExportTests.IndexEntries(files["index.json"]), name => files.GetValueOrDefault(name));
        using (var manifest = JsonDocument.Parse(files["manifest.json"]))
            Assert.Equal(1, manifest.RootElement.GetArrayLength());

        var verified = await CliRunner.RunAsync(["verify", split + ".sha256"], cancellationToken: ct);
        Assert.True(verified.ExitCode == 0, verified.Error);
        Assert.Contains("3 parts checked against their .sha256", verified.Out);
        Assert.Contains("with 2 Notary signatures, 1 SPDX SBOM, 1 cosign signature", verified.Out);

        // the parts, read in place, into the second registry
        var pushed = await CliRunner.RunAsync(["copy", split + ".001", $"docker://{target.Authority}/mirror/app:{ReferrerScenario.Tag}", "--referrers",
            "--cache-dir", temp.Combine("cache"), .. hosts], cancellationToken: ct);
        Assert.True(pushed.ExitCode == 0, pushed.Error + target.Tail());
        Assert.Contains($"{target.Authority}/mirror/app:{ReferrerScenario.Tag}@{scenario.Image.ManifestDigest}", pushed.Out);
        Assert.Contains("referrers: 2 Notary signatures, 1 SPDX SBOM, 1 cosign signature", pushed.Out);
        await AssertAnswersReferrersAsync(scenario, target.BaseUri, "mirror/app", ct);

        // and registry to registry
        var again = await CliRunner.RunAsync(["copy", $"docker://{target.Authority}/mirror/app:{ReferrerScenario.Tag}",
            $"docker://{target.Authority}/again/app:{ReferrerScenario.Tag}", "--referrers", "--cache-dir", temp.Combine("cache"), .. hosts], cancellationToken: ct);
        Assert.True(again.ExitCode == 0, again.Error + target.Tail());
        Assert.Contains("referrers: 2 Notary signatures, 1 SPDX SBOM, 1 cosign signature", again.Out);
        await AssertAnswersReferrersAsync(scenario, target.BaseUri, "again/app", ct);
    }

    [Fact]
    public async Task Referrers_found_through_the_api_are_copied_into_a_registry_without_it_by_the_tag_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        source.ServesReferrersApi = true;
        var scenario = ReferrerScenario.Create();
        scenario.SeedInto(source);
        await using var target = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();

        var copied = await CliRunner.RunAsync(["copy", $"docker://{source.Reference(ReferrerScenario.Repository, ReferrerScenario.Tag)}",
            $"docker://{target.Authority}/mirror/app:{ReferrerScenario.Tag}", "--referrers", "--cache-dir", temp.Combine("cache"),
            .. Insecure(source.Authority, target.Authority)], cancellationToken: ct);
        Assert.True(copied.ExitCode == 0, copied.Error + target.Tail());

        Assert.Contains(source.Requests, r => r.Path == $"/v2/{ReferrerScenario.Repository}/referrers/{scenario.Image.ManifestDigest}");
        Assert.Contains(source.Requests, r => r.Path == $"/v2/{ReferrerScenario.Repository}/referrers/{scenario.Sbom.Digest}");
        Assert.DoesNotContain(source.Requests, r => r.Path.EndsWith($"/manifests/{ReferrerTags.FallbackTag(scenario.Image.ManifestDigest)}", StringComparison.Ordinal));
        await AssertAnswersReferrersAsync(scenario, target.BaseUri, "mirror/app", ct);
    }

    [Fact]
    public async Task A_whole_index_copied_between_registries_takes_the_referrers_of_the_index_and_of_each_child()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        source.ServesReferrersApi = true;
        const string repository = "signed/multi";
        var amd = TestImages.Image(new Platform("linux", "amd64"), [Layer.FromFiles(LayerFile.Text("a.txt", "amd64\n"))], ManifestFormat.Oci);
        var arm = TestImages.Image(new Platform("linux", "arm64"), [Layer.FromFiles(LayerFile.Text("a.txt", "arm64\n"))], ManifestFormat.Oci);
        var index = TestImages.IndexOf(ManifestFormat.Oci, amd, arm);
        source.Push(repository, "1.0", index);
        var ofIndex = TestArtifacts.NotarySignature(index.MediaType, index.Digest, index.Bytes.Length, seed: "index");
        var ofArm = TestArtifacts.NotarySignature(arm.ManifestMediaType, arm.ManifestDigest, arm.ManifestBytes.Length, seed: "arm64");
        foreach (var artifact in new[] { ofIndex, ofArm })
        {
            foreach (var blob in artifact.Blobs) source.AddBlob(blob, repository);
            source.AddManifest(repository, null, artifact.ManifestBytes, MediaTypes.OciManifest);
        }
        await using var target = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();

        var copied = await CliRunner.RunAsync(["copy", $"docker://{source.Reference(repository, "1.0")}", $"docker://{target.Authority}/mirror/multi",
            "--all", "--referrers", "--cache-dir", temp.Combine("cache"), .. Insecure(source.Authority, target.Authority)], cancellationToken: ct);

        Assert.True(copied.ExitCode == 0, copied.Error + target.Tail());
        Assert.Contains("referrers: 2 Notary signatures", copied.Out);
        Assert.Equal(index.Bytes, (await ReferrerScenario.GetManifestAsync(target.BaseUri, "mirror/multi", "1.0", ct))!.Value.Bytes);
        foreach (var (subject, artifact) in new[] { (index.Digest, ofIndex), (arm.ManifestDigest, ofArm) })
        {
            var listed = await ReferrerScenario.GetManifestAsync(target.BaseUri, "mirror/multi", ReferrerTags.FallbackTag(subject), ct);
            Assert.NotNull(listed);
            Assert.Equal(artifact.Digest.ToString(), Assert.Single(ReferrersExportTests.IndexEntries(listed.Value.Bytes)).GetProperty("digest").GetString());
            Assert.Equal(artifact.ManifestBytes, (await ReferrerScenario.GetManifestAsync(target.BaseUri, "mirror/multi", artifact.Digest.ToString(), ct))!.Value.Bytes);
        }
        Assert.Null(await ReferrerScenario.GetManifestAsync(target.BaseUri, "mirror/multi", ReferrerTags.FallbackTag(amd.ManifestDigest), ct));
    }

    [Fact]
    public async Task Without_referrers_copy_asks_for_none_and_leaves_an_archives_referrers_behind_saying_so()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        source.ServesReferrersApi = true;
        var scenario = ReferrerScenario.Create();
        scenario.SeedInto(source);
        using var temp = new TempFolder();
        var reference = $"docker://{source.Reference(ReferrerScenario.Repository, ReferrerScenario.Tag)}";

        var plain = temp.Combine("plain.oci.tar");
        var copied = await CliRunner.RunAsync(["copy", reference, $"oci-archive:{plain}", "--cache-dir", temp.Combine("cache")], cancellationToken: ct);
        Assert.True(copied.ExitCode == 0, copied.Error);
        Assert.DoesNotContain(source.Requests, AsksForReferrers);
        Assert.Single(ReferrersExportTests.IndexEntries(TarContents.Read(plain).ToFiles()["index.json"]));

        var signed = temp.Combine("signed.oci.tar");
        copied = await CliRunner.RunAsync(["copy", reference, $"oci-archive:{signed}", "--referrers", "--cache-dir", temp.Combine("cache")], cancellationToken: ct);
        Assert.True(copied.ExitCode == 0, copied.Error);
        Assert.Equal(5, ReferrersExportTests.IndexEntries(TarContents.Read(signed).ToFiles()["index.json"]).Count);

        var layout = temp.Combine("layout");
        copied = await CliRunner.RunAsync(["copy", $"oci-archive:{signed}", $"oci:{layout}"], cancellationToken: ct);
        Assert.True(copied.ExitCode == 0, copied.Error);
        Assert.Contains("4 referrer(s) (signatures, SBOMs) of the source not copied; add --referrers to carry them", copied.Error);
        Assert.Single(ReferrersExportTests.IndexEntries(File.ReadAllBytes(Path.Combine(layout, "index.json"))));

        var kept = temp.Combine("kept");
        copied = await CliRunner.RunAsync(["copy", $"oci-archive:{signed}", $"oci:{kept}:2.0", "--referrers"], cancellationToken: ct);
        Assert.True(copied.ExitCode == 0, copied.Error);
        var entries = ReferrersExportTests.IndexEntries(File.ReadAllBytes(Path.Combine(kept, "index.json")));
        Assert.Equal("2.0", ReferrersExportTests.RefName(entries[0]));
        ReferrersExportTests.AssertHolds(scenario, entries, name => File.Exists(Path.Combine(kept, name)) ? File.ReadAllBytes(Path.Combine(kept, name)) : null);
    }

    [Theory]
    [InlineData("docker-archive:-", "standard output")]
    [InlineData("oci:{0}/layout", "an OCI layout is a folder")]
    [InlineData("docker://{1}/x/y:1", "the destination is a registry")]
    public async Task Split_to_standard_output_a_folder_or_a_registry_is_a_usage_error_before_the_network(string destination, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("media/small", "1.0", TestImages.Small("x"));
        using var temp = new TempFolder();

        var result = await CliRunner.RunAsync(["copy", $"docker://{registry.Reference("media/small", "1.0")}",
            string.Format(System.Globalization.CultureInfo.InvariantCulture, destination, temp.Path, registry.Authority), "--split", "4000M",
            "--cache-dir", temp.Combine("cache")], cancellationToken: ct);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Empty(result.StandardOutputBytes);
        Assert.Empty(registry.Requests);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
