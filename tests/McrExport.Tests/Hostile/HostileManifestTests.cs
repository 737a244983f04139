using McrExport.Errors;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Hostile;

/// <summary>Manifests that break the rules: each is a clear integrity error (exit 6), never a crash.</summary>
public sealed class HostileManifestTests
{
    public static TheoryData<string> Names => new(HostileDocuments.All().Select(d => d.Name));

    private static (string Name, byte[] Bytes, string ContentType, string Message) Case(string name) =>
        HostileDocuments.All().Single(d => d.Name == name);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_parser_rejects_it_with_a_typed_error(string name)
    {
        var (_, bytes, contentType, message) = Case(name);

        var e = Assert.ThrowsAny<IntegrityException>(() => ManifestParser.Parse(bytes, contentType));

        Assert.Contains(message, e.Message);
        Assert.Equal(ExitCodes.Integrity, e.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Served_by_a_registry_it_fails_with_one_line_and_exit_6(string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, bytes, contentType, message) = Case(name);
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.AddManifest("evil/image", "1", bytes, contentType);

        var result = await CliRunner.RunAsync(["inspect", registry.Reference("evil/image", "1")], cancellationToken: ct);

        Assert.Equal(ExitCodes.Integrity, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.StartsWith("error: ", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task More_layers_than_diff_ids_is_an_error_and_nothing_is_written()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        using var temp = new TempFolder();
        var one = Layer.FromFiles(LayerFile.Text("a", "a"));
        var two = Layer.FromFiles(LayerFile.Text("b", "b"));
        var config = TestImages.Config(new Platform("linux", "amd64"), [one.DiffId]);
        var configDescriptor = new Descriptor(MediaTypes.DockerConfig, Digest.Compute(config), config.Length);
        registry.AddBlob(config, "evil/image");
        registry.AddBlob(one.Bytes, "evil/image");
        registry.AddBlob(two.Bytes, "evil/image");
        registry.AddManifest("evil/image", "1", TestImages.Manifest(MediaTypes.DockerManifest, configDescriptor, [one.Descriptor, two.Descriptor]), MediaTypes.DockerManifest);

        var result = await CliRunner.RunAsync([registry.Reference("evil/image", "1"), "-o", temp.Combine("out.tar"), "--cache-dir", temp.Combine("cache")], cancellationToken: ct);

        Assert.Equal(ExitCodes.Integrity, result.ExitCode);
        Assert.Contains("2 layers but the config lists 1 diff_ids", result.Error);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(temp.Path), p => !p.EndsWith("cache", StringComparison.Ordinal));
        Assert.DoesNotContain(registry.Requests, r => r.Path.EndsWith(one.Digest.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_media_type_is_unsupported()
    {
        var e = Assert.Throws<InvalidManifestException>(() => ManifestParser.Parse(HostileDocuments.Manifest(mediaType: "application/x-evil"), null));

        Assert.Contains("unsupported manifest media type 'application/x-evil'", e.Message);
    }

    [Fact]
    public async Task A_config_claiming_more_than_4_mib_is_refused_before_download()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var manifest = HostileDocuments.Manifest(config: HostileDocuments.Config(size: (ManifestParser.MaxDocumentSize + 1).ToString()));
        registry.AddManifest("evil/image", "1", manifest, MediaTypes.DockerManifest);

        var result = await CliRunner.RunAsync(["inspect", registry.Reference("evil/image", "1")], cancellationToken: ct);

        Assert.Equal(ExitCodes.Integrity, result.ExitCode);
        Assert.Contains("more than the limit", result.Error);
        Assert.DoesNotContain(registry.Requests, r => r.Path.Contains("/blobs/", StringComparison.Ordinal));
    }
}
