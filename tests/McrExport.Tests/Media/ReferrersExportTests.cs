using System.Text.Json;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Media;

/// <summary>
/// <c>--referrers</c> against the real distribution registry (2.8: no referrers API, so the referrers tag schema and
/// cosign's tags): export holds them in the layout as the image-spec says, verify reports them, and push puts them
/// into a second registry, which then answers the same referrers (same digests) by the tag schema.
/// </summary>
public sealed class ReferrersExportTests
{
    private static string[] Insecure(params string[] hosts) => hosts.SelectMany(h => new[] { "--insecure-registry", h }).ToArray();

    internal static List<JsonElement> IndexEntries(byte[] indexJson)
    {
        using var doc = JsonDocument.Parse(indexJson);
        return doc.RootElement.GetProperty("manifests").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    internal static string? RefName(JsonElement entry) =>
        entry.TryGetProperty("annotations", out var a) && a.TryGetProperty("org.opencontainers.image.ref.name", out var n) ? n.GetString() : null;

    /// <summary>Every referrer is in index.json (artifactType, no ref.name, a cosign tag in its own annotation), its manifest and blobs byte for byte.</summary>
    internal static void AssertHolds(ReferrerScenario scenario, IReadOnlyList<JsonElement> entries, Func<string, byte[]?> file)
    {
        Assert.Equal(5, entries.Count);
        Assert.Equal(scenario.Image.ManifestDigest.ToString(), entries[0].GetProperty("digest").GetString());
        foreach (var artifact in scenario.All)
        {
            var entry = Assert.Single(entries, e => e.GetProperty("digest").GetString() == artifact.Digest.ToString());
            Assert.Equal(MediaTypes.OciManifest, entry.GetProperty("mediaType").GetString());
            Assert.Equal(artifact.ManifestBytes.Length, entry.GetProperty("size").GetInt64());
            Assert.Equal(artifact.ArtifactType, entry.GetProperty("artifactType").GetString());
            Assert.False(entry.TryGetProperty("platform", out _));
            // no ref.name (ctr images import would take the entry for an image); a cosign tag is kept beside
            Assert.Null(RefName(entry));
            Assert.Equal(artifact.Tag, entry.TryGetProperty("annotations", out var a) && a.TryGetProperty(ReferrerTags.CosignTagAnnotation, out var t) ? t.GetString() : null);
            Assert.Equal(artifact.ManifestBytes, file($"blobs/sha256/{artifact.Digest.Encoded}"));
            foreach (var blob in artifact.Blobs) Assert.Equal(blob, file($"blobs/sha256/{Digest.Compute(blob).Encoded}"));
        }
    }

    [Fact]
    public async Task Referrers_found_by_tag_schema_travel_in_the_layout_and_are_pushed_with_their_digests()
    {
        var ct = TestContext.Current.CancellationToken;
        var scenario = ReferrerScenario.Create();
        await using var source = await RegistryPeer.StartAsync(ct);
        await using var target = await RegistryPeer.StartAsync(ct);
        await scenario.SeedIntoAsync(source.BaseUri, ct);
        using var temp = new TempFolder();
        var hosts = Insecure(source.Authority, target.Authority);
        var reference = $"{source.Authority}/{ReferrerScenario.Repository}:{ReferrerScenario.Tag}";

        var layout = temp.Combine("layout");
        var exported = await CliRunner.RunAsync([reference, "-f", "oci", "-o", layout, "--referrers", "--cache-dir", temp.Combine("cache"), .. hosts],
            cancellationToken: ct);
        Assert.True(exported.ExitCode == 0, exported.Error + source.Tail());
        Assert.Contains("referrers 2 Notary signatures, 1 SPDX SBOM, 1 cosign signature", exported.Error);
        AssertHolds(scenario, IndexEntries(File.ReadAllBytes(Path.Combine(layout, "index.json"))),
            name => File.Exists(Path.Combine(layout, name)) ? File.ReadAllBytes(Path.Combine(layout, name)) : null);

        var tar = temp.Combine("signed.tar");
        exported = await CliRunner.RunAsync([reference, "-o", tar, "--referrers", "--cache-dir", temp.Combine("cache"), .. hosts], cancellationToken: ct);
        Assert.True(exported.ExitCode == 0, exported.Error);
        var files = TarContents.Read(tar).ToFiles();
        AssertHolds(scenario, IndexEntries(files["index.json"]), name => files.GetValueOrDefault(name));
        using (var manifest = JsonDocument.Parse(files["manifest.json"]))
            Assert.Equal(1, manifest.RootElement.GetArrayLength());

        foreach (var archive in new[] { layout, tar })
        {
            var verified = await CliRunner.RunAsync(["verify", archive], cancellationToken: ct);
            Assert.True(verified.ExitCode == 0, verified.Error);
            Assert.Contains("with 2 Notary signatures, 1 SPDX SBOM, 1 cosign signature", verified.Out);
            Assert.Contains("ok: 1 image(s), 4 artifact(s), 13 blobs", verified.Out);
            Assert.Contains("artifact  Notary signature (application/vnd.cncf.notary.signature)", verified.Out);
        }

        var pushed = await CliRunner.RunAsync(["push", layout, $"{target.Authority}/mirror/app:1.0", "--referrers", "--cache-dir", temp.Combine("c2"), .. hosts],
            cancellationToken: ct);
        Assert.True(pushed.ExitCode == 0, pushed.Error + target.Tail());
        Assert.Contains("referrers: 2 Notary signatures, 1 SPDX SBOM, 1 cosign signature", pushed.Out);

        var imageIndex = await ReferrerScenario.GetManifestAsync(target.BaseUri, "mirror/app", ReferrerTags.FallbackTag(scenario.Image.ManifestDigest), ct);
        Assert.NotNull(imageIndex);
        Assert.Equal(MediaTypes.OciIndex, imageIndex.Value.ContentType);
        var listed = IndexEntries(imageIndex.Value.Bytes);
        Assert.Equal(new[] { scenario.Signature.Digest.ToString(), scenario.Sbom.Digest.ToString() }.Order(StringComparer.Ordinal),
            listed.Select(e => e.GetProperty("digest").GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains(listed, e => e.GetProperty("artifactType").GetString() == ReferrerKinds.NotarySignature);
        Assert.Contains(listed, e => e.GetProperty("artifactType").GetString() == ReferrerKinds.SpdxJson);
        var sbomIndex = await ReferrerScenario.GetManifestAsync(target.BaseUri, "mirror/app", ReferrerTags.FallbackTag(scenario.Sbom.Digest), ct);
        Assert.Equal(scenario.SbomSignature.Digest.ToString(), Assert.Single(IndexEntries(sbomIndex!.Value.Bytes)).GetProperty("digest").GetString());
        var cosign = await ReferrerScenario.GetManifestAsync(target.BaseUri, "mirror/app", scenario.Cosign.Tag!, ct);
        Assert.Equal(scenario.Cosign.ManifestBytes, cosign!.Value.Bytes);
        foreach (var artifact in scenario.All)
            Assert.Equal(artifact.ManifestBytes, (await ReferrerScenario.GetManifestAsync(target.BaseUri, "mirror/app", artifact.Digest.ToString(), ct))!.Value.Bytes);

        // what the second registry now answers is found again by the same discovery, with the same digests
        var again = temp.Combine("again");
        var reexported = await CliRunner.RunAsync([$"{target.Authority}/mirror/app:1.0", "-f", "oci", "-o", again, "--referrers", "--cache-dir", temp.Combine("cache"), .. hosts],
            cancellationToken: ct);
        Assert.True(reexported.ExitCode == 0, reexported.Error);
        AssertHolds(scenario, IndexEntries(File.ReadAllBytes(Path.Combine(again, "index.json"))),
            name => File.Exists(Path.Combine(again, name)) ? File.ReadAllBytes(Path.Combine(again, name)) : null);

        // without --referrers, push puts the image alone
        var plain = await CliRunner.RunAsync(["push", tar, $"{target.Authority}/plain/app:1.0", "--cache-dir", temp.Combine("c2"), .. hosts], cancellationToken: ct);
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.Contains("4 referrer(s) (signatures, SBOMs) in the archive not pushed; add --referrers to push them", plain.Error);
        using var http = new HttpClient { BaseAddress = target.BaseUri };
        Assert.Equal("{\"name\":\"plain/app\",\"tags\":[\"1.0\"]}", (await http.GetStringAsync("v2/plain/app/tags/list", ct)).Trim());
    }
}
