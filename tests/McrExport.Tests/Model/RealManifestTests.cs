using McrExport.Errors;
using McrExport.Model;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Model;

/// <summary>Manifest parsing on documents real registries served (testdata/real, see SOURCES.md there).</summary>
public sealed class RealManifestTests
{
    [Theory]
    [InlineData(RealDocuments.McrWindowsManifest, "5ec4722ef299457d69a7186d3da503a947584aa1a5bfc0bfc021fe115dc2a76b")]
    [InlineData(RealDocuments.McrWindowsConfig, "85df02b6f81af17edcf27e6f9e6d771212856d49de6780ef7417d28842670d24")]
    [InlineData(RealDocuments.PythonList, "567018293e51a89db96ce4c9679fdefc89b3d17a9fe9e94c0091b04ac5bb4e89")]
    [InlineData(RealDocuments.HelloWorldList, "97a379f4f88575512824f3b352bc03cd75e239179eea0fecc38e597b2209f49a")]
    [InlineData(RealDocuments.HelloWorldLinuxAmd64, "f54a58bc1aac5ea1a25d796ae155dc228b3f0e11d046ae276b39c4bf2f13d8c4")]
    [InlineData(RealDocuments.PostgresIndex, "f4c66b820c6f974249089d3d16d86a3698eae11e8746eb6644b2271031e91232")]
    public void Verified_documents_hash_to_the_digest_recorded_in_sources(string file, string hex)
    {
        Assert.Equal("sha256:" + hex, Digest.Compute(RealDocuments.Bytes(file)).ToString());
        Assert.Contains(hex[..8], RealDocuments.SourcesText());
    }

    [Fact]
    public void The_mcr_windows_manifest_has_foreign_layers_with_urls()
    {
        var manifest = Assert.IsType<ImageManifest>(ManifestParser.Parse(RealDocuments.Bytes(RealDocuments.McrWindowsManifest), MediaTypes.DockerManifest));

        Assert.Equal(MediaTypes.DockerManifest, manifest.MediaType);
        Assert.Equal("sha256:85df02b6f81af17edcf27e6f9e6d771212856d49de6780ef7417d28842670d24", manifest.Config.Digest.ToString());
        Assert.Equal(4, manifest.Layers.Count);
        Assert.Equal([true, true, false, false], manifest.Layers.Select(l => l.IsForeign));
        Assert.All(manifest.Layers.Take(2), l =>
            Assert.StartsWith("https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:", Assert.Single(l.Urls!)));
        Assert.All(manifest.Layers.Skip(2), l => Assert.Null(l.Urls));
    }

    [Fact]
    public void The_config_has_one_diff_id_per_layer()
    {
        var manifest = (ImageManifest)ManifestParser.Parse(RealDocuments.Bytes(RealDocuments.McrWindowsManifest), null);
        var configBytes = RealDocuments.Bytes(RealDocuments.McrWindowsConfig);
        var config = ManifestParser.ParseConfig(configBytes);

        Assert.Equal(4, config.DiffIds.Count);
        Assert.Equal(new Platform("windows", "amd64", null, "10.0.20348.473"), config.Platform);
        Assert.Equal(manifest.Config.Size, configBytes.Length);
        ManifestParser.CheckConsistent(manifest, config);
        var fewer = config with { DiffIds = config.DiffIds.Take(3).ToList() };
        var e = Assert.Throws<InvalidManifestException>(() => ManifestParser.CheckConsistent(manifest, fewer));
        Assert.Contains("4 layers", e.Message);
        Assert.Contains("3 diff_ids", e.Message);
    }

    [Fact]
    public void The_fwlink_manifest_points_foreign_layers_at_fwlink()
    {
        var manifest = (ImageManifest)ManifestParser.Parse(RealDocuments.Bytes(RealDocuments.FwlinkManifest), MediaTypes.DockerManifest);

        Assert.Equal(2, manifest.Layers.Count);
        Assert.All(manifest.Layers, l => Assert.True(l.IsForeign));
        Assert.Equal("https://go.microsoft.com/fwlink/?linkid=837859", manifest.Layers[0].Urls![0]);
        Assert.Equal(4069985900, manifest.Layers[0].Size);
    }

    [Fact]
    public void The_mcr_list_entry_for_ltsc2022_is_the_manifest_file()
    {
        var list = Assert.IsType<ImageIndex>(ManifestParser.Parse(RealDocuments.Bytes(RealDocuments.McrManifestList), MediaTypes.DockerManifestList));
        var manifestBytes = RealDocuments.Bytes(RealDocuments.McrWindowsManifest);

        Assert.Equal(4, list.Manifests.Count);
        var entry = Assert.Single(list.Manifests, m => m.Platform!.OsVersion == "10.0.20348.473");
        Assert.Equal(Digest.Compute(manifestBytes), entry.Digest);
        Assert.Equal(manifestBytes.Length, entry.Size);
    }

    [Fact]
    public void The_hello_world_list_entry_for_linux_amd64_is_the_child_file()
    {
        var list = (ImageIndex)ManifestParser.Parse(RealDocuments.Bytes(RealDocuments.HelloWorldList), null);
        var child = RealDocuments.Bytes(RealDocuments.HelloWorldLinuxAmd64);

        var entry = Assert.Single(list.Manifests, m => m.Platform is { Os: "linux", Architecture: "amd64" });
        Assert.Equal(Digest.Compute(child), entry.Digest);
        Assert.Equal(child.Length, entry.Size);
        Assert.IsType<ImageManifest>(ManifestParser.Parse(child, MediaTypes.DockerManifest));
    }

    [Fact]
    public void The_postgres_index_has_attestations_marked_as_such()
    {
        var index = (ImageIndex)ManifestParser.Parse(RealDocuments.Bytes(RealDocuments.PostgresIndex), MediaTypes.OciIndex);

        Assert.Equal(MediaTypes.OciIndex, index.MediaType);
        Assert.Equal(16, index.Manifests.Count);
        var attestations = index.Manifests.Where(m => m.Platform is { Os: "unknown", Architecture: "unknown" }).ToList();
        Assert.Equal(8, attestations.Count);
        Assert.All(attestations, a => Assert.Equal("attestation-manifest", a.Annotations!["vnd.docker.reference.type"]));
    }

    [Theory]
    [InlineData(RealDocuments.Schema1Of2015, null)]
    [InlineData(RealDocuments.Schema1Of2022, MediaTypes.DockerSchema1Signed)]
    [InlineData(RealDocuments.Schema1Of2022, MediaTypes.DockerManifest)]
    public void Schema1_documents_are_a_clear_error(string file, string? contentType)
    {
        var e = Assert.Throws<InvalidManifestException>(() => ManifestParser.Parse(RealDocuments.Bytes(file), contentType));

        Assert.Contains("schema1", e.Message);
        Assert.Contains("not supported", e.Message);
        Assert.Contains("Accept", e.Hint);
    }
}
