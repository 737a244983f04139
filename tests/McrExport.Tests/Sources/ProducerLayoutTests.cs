using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Sources;

/// <summary>
/// Archive shapes the real producers write (proven against them in the peer tests), kept here without the peers:
/// skopeo and podman's docker-archive with <c>layer.tar</c> symlinks, and ctr's export of two manifests over one config.
/// </summary>
public sealed class ProducerLayoutTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_skopeo_docker_archive_whose_repositories_names_the_symlink_folder_verifies()
    {
        using var temp = new TempFolder();
        var classic = new ClassicArchive();
        var hex = classic.DiffId["sha256:".Length..];
        var tar = temp.Combine("skopeo.tar");
        await using (var file = File.Create(tar))
        await using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            await WriteAsync(writer, $"{hex}.tar", classic.Layer);
            await WriteAsync(writer, $"{classic.ConfigHex}.json", classic.Config);
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, ClassicArchive.LayerPath) { LinkName = $"../{hex}.tar" }, Token);
            await WriteAsync(writer, $"{ClassicArchive.V1Id}/VERSION", "1.0"u8.ToArray());
            await WriteAsync(writer, "manifest.json",
                Encoding.UTF8.GetBytes($"[{{\"Config\":\"{classic.ConfigHex}.json\",\"RepoTags\":[\"docker.io/{ClassicArchive.RepoTag}\"],\"Layers\":[\"{hex}.tar\"]}}]"));
            await WriteAsync(writer, "repositories", Encoding.UTF8.GetBytes($"{{\"docker.io/bad/img\":{{\"v1\":\"{ClassicArchive.V1Id}\"}}}}"));
        }

        var result = await CliRunner.RunAsync(["verify", tar], cancellationToken: Token);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("ok: 1 image(s)", result.Out);
    }

    [Fact]
    public async Task A_ctr_export_of_two_manifests_over_one_config_verifies_with_each_entry_s_names()
    {
        using var temp = new TempFolder();
        var classic = new ClassicArchive();
        var layer = Blob(classic.Layer);
        var config = Blob(classic.Config);
        var docker = Blob(Manifest("application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.container.image.v1+json",
            "application/vnd.docker.image.rootfs.diff.tar", config, layer));
        var oci = Blob(Manifest("application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.config.v1+json",
            "application/vnd.oci.image.layer.v1.tar", config, layer));
        var index = $$"""{"schemaVersion":2,"manifests":[{{Entry(docker, "application/vnd.docker.distribution.manifest.v2+json", "localhost/team/a:v1")}},{{Entry(oci, "application/vnd.oci.image.manifest.v1+json", "localhost/team/b:v2")}}]}""";
        var manifestJson = $"[{Item(config, layer, "localhost/team/a:v1")},{Item(config, layer, "localhost/team/b:v2")}]";
        var tar = temp.Combine("ctr.tar");
        await using (var file = File.Create(tar))
        await using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            foreach (var (hex, bytes) in new[] { layer, config, docker, oci })
                await WriteAsync(writer, $"blobs/sha256/{hex}", bytes);
            await WriteAsync(writer, "index.json", Encoding.UTF8.GetBytes(index));
            await WriteAsync(writer, "manifest.json", Encoding.UTF8.GetBytes(manifestJson));
            await WriteAsync(writer, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        }

        var result = await CliRunner.RunAsync(["verify", tar], cancellationToken: Token);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("ok: 2 image(s)", result.Out);
        Assert.Contains("localhost/team/b:v2", result.Out);
    }

    [Fact]
    public async Task A_name_on_no_manifest_json_entry_still_fails()
    {
        using var temp = new TempFolder();
        var classic = new ClassicArchive();
        var layer = Blob(classic.Layer);
        var config = Blob(classic.Config);
        var oci = Blob(Manifest("application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.config.v1+json",
            "application/vnd.oci.image.layer.v1.tar", config, layer));
        var index = $$"""{"schemaVersion":2,"manifests":[{{Entry(oci, "application/vnd.oci.image.manifest.v1+json", "localhost/team/a:v1")}},{{Entry(oci, "application/vnd.oci.image.manifest.v1+json", "localhost/team/b:v2")}}]}""";
        var tar = temp.Combine("ctr-missing-name.tar");
        await using (var file = File.Create(tar))
        await using (var writer = new TarWriter(file, TarEntryFormat.Pax))
        {
            foreach (var (hex, bytes) in new[] { layer, config, oci })
                await WriteAsync(writer, $"blobs/sha256/{hex}", bytes);
            await WriteAsync(writer, "index.json", Encoding.UTF8.GetBytes(index));
            await WriteAsync(writer, "manifest.json", Encoding.UTF8.GetBytes($"[{Item(config, layer, "localhost/team/a:v1")}]"));
            await WriteAsync(writer, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray());
        }

        var result = await CliRunner.RunAsync(["verify", tar], cancellationToken: Token);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("disagree with index.json names", result.Error);
    }

    private static (string Hex, byte[] Bytes) Blob(byte[] bytes) => (Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes);

    private static byte[] Manifest(string type, string configType, string layerType, (string Hex, byte[] Bytes) config, (string Hex, byte[] Bytes) layer) =>
        Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{type}}","config":{"mediaType":"{{configType}}","digest":"sha256:{{config.Hex}}","size":{{config.Bytes.Length}}},"layers":[{"mediaType":"{{layerType}}","digest":"sha256:{{layer.Hex}}","size":{{layer.Bytes.Length}}}]}""");

    private static string Entry((string Hex, byte[] Bytes) manifest, string type, string name) =>
        $$$"""{"mediaType":"{{{type}}}","digest":"sha256:{{{manifest.Hex}}}","size":{{{manifest.Bytes.Length}}},"annotations":{"io.containerd.image.name":"{{{name}}}","org.opencontainers.image.ref.name":"{{{name[(name.LastIndexOf(':') + 1)..]}}}"}}""";

    private static string Item((string Hex, byte[] Bytes) config, (string Hex, byte[] Bytes) layer, string tag) =>
        $$"""{"Config":"blobs/sha256/{{config.Hex}}","RepoTags":["{{tag}}"],"Layers":["blobs/sha256/{{layer.Hex}}"]}""";

    private static Task WriteAsync(TarWriter writer, string name, byte[] content) =>
        writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) }, Token);
}
