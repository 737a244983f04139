using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using McrExport.Model;
using McrExport.PeerTests.Images;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>
/// Archives skopeo 1.9 writes with <c>skopeo copy</c> from the test registry: <c>docker-archive:</c> (layers as
/// <c>&lt;diff_id&gt;.tar</c> behind <c>&lt;v1-id&gt;/layer.tar</c> symlinks), <c>oci:</c> with zstd layers,
/// <c>oci-archive:</c>, and <c>--all</c> of an index that carries an OCI 1.1 artifact (empty <c>{}</c> config, a
/// subject) beside its images. Each is verified, pushed and read back, converted by <c>copy</c> and loaded.
/// </summary>
public sealed class SkopeoProducerTests(Peers.Peers peers) : ProducerTestBase(peers)
{
    private const string SbomType = "application/spdx+json";

    [Fact]
    public async Task Docker_archive_with_layer_tar_symlinks_verifies_pushes_and_loads_into_podman()
    {
        var images = await Peers.ImagesAsync();
        var config = images.Catalog.Small.ConfigDigest;
        var saved = Folder.Combine("skopeo-docker.tar");
        await Skopeo("copy", "--quiet", "--src-tls-verify=false", $"docker://{images.Small}", $"docker-archive:{saved}:producers/small:v1");
        var entries = TarEntries(saved);
        Assert.Contains(entries, e => e.Name.EndsWith("/layer.tar", StringComparison.Ordinal) && e.Type == TarEntryType.SymbolicLink);
        Assert.DoesNotContain(entries, e => e.Name == "index.json");

        var verified = await VerifyAsync(saved, 1);
        Assert.Contains("producers/small:v1", verified.StdOut);
        Assert.Contains(config.ToString(), verified.StdOut);
        await PushAndReadBackAsync(saved, "skopeo-docker", config);

        var ociArchive = Folder.Combine("from-skopeo-docker.oci.tar");
        await Tool("copy", $"docker-archive:{saved}", $"oci-archive:{ociArchive}", "--cache-dir", Cache);
        await VerifyAsync(ociArchive, 1);
        Assert.Equal(config, await ConfigDigestAsync($"oci-archive:{ociArchive}"));
        await PodmanLoadsAsync(ociArchive, config);
    }

    [Fact]
    public async Task Oci_layout_with_zstd_layers_verifies_pushes_its_tag_only_name_and_loads_into_podman()
    {
        var images = await Peers.ImagesAsync();
        var layout = Folder.Combine("skopeo-zstd");
        await Skopeo("copy", "--quiet", "--src-tls-verify=false", "--dest-compress-format", "zstd",
            $"docker://{images.Small}", $"oci:{layout}:v1");
        var config = await OciConfigAsync($"oci:{layout}:v1", images.Catalog.Small.ConfigDigest);
        var written = new OciLayoutReader(layout);
        Assert.Equal("v1", written.RefName);
        var manifest = Encoding.UTF8.GetString(written.Blob(written.Digest));
        Assert.Contains(MediaTypes.OciLayerZstd, manifest);

        var verified = await VerifyAsync(layout, 1);
        Assert.Contains(written.Digest.ToString(), verified.StdOut);
        var pushed = await PushAndReadBackAsync(layout, "skopeo-zstd", config);
        var stored = await Run(PeerPrograms.Skopeo(), "inspect", "--raw", "--tls-verify=false", $"docker://{pushed}");
        Assert.Equal(written.Digest, Digest.Compute(Encoding.UTF8.GetBytes(stored.StdOut)));

        var registry = await Peers.SecondRegistryAsync();
        var all = await Tool("push", layout, $"{registry.Authority}/producers/skopeo-zstd-all", "--all", "--cache-dir", Cache);
        Assert.Contains($"producers/skopeo-zstd-all:v1@{written.Digest}", all.StdOut);

        var dockerArchive = Folder.Combine("from-zstd.tar");
        await Tool("copy", $"oci:{layout}:v1", $"docker-archive:{dockerArchive}", "--cache-dir", Cache);
        await VerifyAsync(dockerArchive, 1);
        await PodmanLoadsAsync(dockerArchive, config);
    }

    [Fact]
    public async Task Oci_archive_verifies_pushes_and_converts_to_a_docker_archive_docker_loads()
    {
        var images = await Peers.ImagesAsync();
        var saved = Folder.Combine("skopeo.oci.tar");
        await Skopeo("copy", "--quiet", "--src-tls-verify=false", $"docker://{images.Small}", $"oci-archive:{saved}:v1");
        var config = await OciConfigAsync($"oci-archive:{saved}:v1", images.Catalog.Small.ConfigDigest);
        Assert.Contains(TarEntries(saved), e => e.Name == "index.json");

        await VerifyAsync(saved, 1);
        await PushAndReadBackAsync(saved, "skopeo-oci-archive", config);

        var dockerArchive = Folder.Combine("from-oci-archive.tar");
        await Tool("copy", $"oci-archive:{saved}", $"docker-archive:{dockerArchive}", "--cache-dir", Cache);
        Assert.Equal(config, await ConfigDigestAsync($"docker-archive:{dockerArchive}"));
        await DockerLoadsAsync(dockerArchive, config);
    }

    [Fact]
    public async Task All_of_an_index_with_an_artifact_beside_its_images_verifies_pushes_and_copies_in_zstd()
    {
        var images = await Peers.ImagesAsync();
        var (tag, artifact) = await PublishAttestedIndexAsync(images);
        var layout = Folder.Combine("skopeo-all");
        await Skopeo("copy", "--quiet", "--all", "--src-tls-verify=false", "--dest-compress-format", "zstd",
            $"docker://{images.Registry.Reference(PublishedImages.MultiRepository, tag)}", $"oci:{layout}:v1");
        var written = new OciLayoutReader(layout);
        var index = JsonNode.Parse(written.Blob(written.Digest))!;
        Assert.Equal(5, index["manifests"]!.AsArray().Count);
        Assert.Contains(index["manifests"]!.AsArray(), m => (string?)m!["digest"] == artifact.ToString());

        var verified = await VerifyAsync(layout, 4);
        Assert.Contains("1 artifact(s)", verified.StdOut);
        Assert.Contains($"artifact  {SbomType}  {artifact}", verified.StdOut);

        var registry = await Peers.SecondRegistryAsync();
        var pushed = await Tool("push", layout, $"{registry.Authority}/producers/skopeo-all", "--all", "--cache-dir", Cache);
        Assert.Contains($"producers/skopeo-all:v1@{written.Digest}", pushed.StdOut);
        var storedIndex = await Run(PeerPrograms.Skopeo(), "inspect", "--raw", "--tls-verify=false",
            $"docker://{registry.Reference("producers/skopeo-all", "v1")}");
        Assert.Equal(written.Digest, Digest.Compute(Encoding.UTF8.GetBytes(storedIndex.StdOut)));
        var storedArtifact = await Run(PeerPrograms.Skopeo(), "inspect", "--raw", "--tls-verify=false",
            $"docker://{registry.Reference("producers/skopeo-all", artifact.ToString())}");
        Assert.Equal(SbomType, (string?)JsonNode.Parse(storedArtifact.StdOut)!["artifactType"]);
        Assert.NotNull(JsonNode.Parse(storedArtifact.StdOut)!["subject"]);

        var archive = Folder.Combine("all.oci.tar");
        var copied = await Tool("copy", $"oci:{layout}", $"oci-archive:{archive}", "--cache-dir", Cache);
        Assert.Contains("1 artifact(s)", copied.StdOut);
        var reverified = await VerifyAsync(archive, 4);
        Assert.Contains($"artifact  {SbomType}  {artifact}", reverified.StdOut);
        var back = Folder.Combine("back");
        await Skopeo("copy", "--quiet", "--all", $"oci-archive:{archive}:v1", $"oci:{back}:v1");
        Assert.Equal(written.Digest, new OciLayoutReader(back).Digest);
    }

    /// <summary>
    /// Pushes into the test registry an OCI index over the multi-platform images plus an SBOM artifact for the
    /// linux/amd64 one, as buildx and regctl lay them out (empty <c>{}</c> config, <c>artifactType</c>, a
    /// <c>subject</c>, an <c>unknown/unknown</c> index entry); returns its tag and the artifact's digest.
    /// </summary>
    private static async Task<(string Tag, Digest Artifact)> PublishAttestedIndexAsync(PublishedImages images)
    {
        using var client = new RegistryClient(images.Registry.BaseUri);
        var repository = PublishedImages.MultiRepository;
        var multi = await client.GetManifestAsync(repository, PublishedImages.Tag, Token);
        var index = JsonNode.Parse(multi.Bytes)!.AsObject();
        var subject = index["manifests"]!.AsArray().First(m => (string?)m!["platform"]!["os"] == "linux")!;

        var empty = "{}"u8.ToArray();
        var sbom = Encoding.UTF8.GetBytes($$"""{"spdxVersion":"SPDX-2.3","name":"multi","documentNamespace":"urn:uuid:{{Guid.NewGuid()}}"}""");
        await client.PushBlobAsync(repository, Digest.Compute(empty), empty, Token);
        await client.PushBlobAsync(repository, Digest.Compute(sbom), sbom, Token);
        var artifact = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["artifactType"] = SbomType,
            ["config"] = new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.empty.v1+json", ["digest"] = Digest.Compute(empty).ToString(), ["size"] = 2, ["data"] = "e30=",
            },
            ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = SbomType, ["digest"] = Digest.Compute(sbom).ToString(), ["size"] = sbom.Length }),
            ["subject"] = new JsonObject
            {
                ["mediaType"] = (string?)subject["mediaType"], ["digest"] = (string?)subject["digest"], ["size"] = (long)subject["size"]!,
            },
        }.ToJsonString());
        var artifactDigest = Digest.Compute(artifact);
        await client.PushManifestAsync(repository, artifactDigest.ToString(), MediaTypes.OciManifest, artifact, Token);
        index["manifests"]!.AsArray().Add(new JsonObject
        {
            ["mediaType"] = MediaTypes.OciManifest,
            ["digest"] = artifactDigest.ToString(),
            ["size"] = artifact.Length,
            ["artifactType"] = SbomType,
            ["platform"] = new JsonObject { ["architecture"] = "unknown", ["os"] = "unknown" },
            ["annotations"] = new JsonObject
            {
                ["vnd.docker.reference.type"] = "attestation-manifest", ["vnd.docker.reference.digest"] = (string?)subject["digest"],
            },
        });
        var tag = $"attested-{Guid.NewGuid():N}"[..20];
        await client.PushManifestAsync(repository, tag, MediaTypes.OciIndex, Encoding.UTF8.GetBytes(index.ToJsonString()), Token);
        return (tag, artifactDigest);
    }

    /// <summary>
    /// The config of an OCI image skopeo converted from the Docker schema2 test image: skopeo re-serializes the
    /// config as an OCI config, so the image ID is a new one (the real behaviour; the tool keeps that new one).
    /// </summary>
    private async Task<Digest> OciConfigAsync(string transportReference, Digest dockerConfig)
    {
        var config = await ConfigDigestAsync(transportReference);
        Assert.NotEqual(dockerConfig, config);
        return config;
    }

    private static Task<ProcessResult> Skopeo(params string[] arguments) => Run(PeerPrograms.Skopeo(), arguments);

    private static List<(string Name, TarEntryType Type)> TarEntries(string tar)
    {
        using var stream = File.OpenRead(tar);
        using var reader = new TarReader(stream);
        var entries = new List<(string, TarEntryType)>();
        while (reader.GetNextEntry() is { } entry) entries.Add((entry.Name, entry.EntryType));
        return entries;
    }
}
