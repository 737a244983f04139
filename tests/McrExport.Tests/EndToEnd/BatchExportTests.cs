using System.Text.Json;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.EndToEnd;

/// <summary>Several images into one archive: by arguments, <c>--from-file</c> and <c>--tags</c>; shared blobs stored once.</summary>
public sealed class BatchExportTests
{
    private static readonly Layer Base = Layer.FromFiles(("Files/Windows/base.txt", "shared base layer\r\n"));

    private static TestImage Variant(string name) =>
        TestImages.Image(new Platform("windows", "amd64", OsVersion: "10.0.17763.6532"),
            [Base, Layer.FromFiles(($"Files/{name}.txt", $"{name}\r\n"))]);

    private static async Task<FakeRegistry> StartAsync(CancellationToken ct)
    {
        var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("windows/servercore", "ltsc2019", Variant("a"));
        registry.Push("windows/servercore", "ltsc2022", Variant("b"));
        registry.Push("windows/servercore", "1809", Variant("c"));
        registry.Push("windows/servercore", "ltsc2025-preview", Variant("d"));
        return registry;
    }

    private static (JsonElement Manifest, Dictionary<string, byte[]> Files) Read(string tar)
    {
        var files = TarContents.Read(tar).ToFiles();
        using var doc = JsonDocument.Parse(files["manifest.json"]);
        return (doc.RootElement.Clone(), files);
    }

    [Fact]
    public async Task Three_images_sharing_a_base_layer_store_it_once_and_keep_their_tags()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await StartAsync(ct);
        using var temp = new TempFolder();
        var output = temp.Combine("three.tar");
        var refs = new[] { "ltsc2019", "ltsc2022", "1809" }.Select(t => registry.Reference("windows/servercore", t)).ToArray();

        var result = await CliRunner.RunAsync([.. refs, "-o", output, "--cache-dir", temp.Combine("cache")], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var (manifest, files) = Read(output);
        Assert.Equal(3, manifest.GetArrayLength());
        var tags = manifest.EnumerateArray().Select(m => m.GetProperty("RepoTags")[0].GetString()).ToList();
        Assert.Equal(refs, tags);
        Assert.Single(files.Keys, k => k == $"blobs/sha256/{Base.Digest.Encoded}");
        Assert.Equal(Base.Size, registry.BytesServed(Base.Digest));
        using var index = JsonDocument.Parse(files["index.json"]);
        var names = index.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => m.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString()).ToList();
        Assert.Equal(["ltsc2019", "ltsc2022", "1809"], names);
        using var repositories = JsonDocument.Parse(files["repositories"]);
        var repo = repositories.RootElement.GetProperty($"{registry.Authority}/windows/servercore");
        Assert.Equal(3, repo.EnumerateObject().Count());
    }

    [Fact]
    public async Task From_file_reads_references_and_skips_comments()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await StartAsync(ct);
        using var temp = new TempFolder();
        var list = temp.Combine("images.txt");
        await File.WriteAllTextAsync(list, $"""
            # base images for the air gap
            {registry.Reference("windows/servercore", "ltsc2019")}

            {registry.Reference("windows/servercore", "1809")}   # old name
            """, ct);

        var result = await CliRunner.RunAsync(["--from-file", list, "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache")], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var (manifest, _) = Read(temp.Combine("x.tar"));
        Assert.Equal(2, manifest.GetArrayLength());
        Assert.EndsWith(":1809", manifest[1].GetProperty("RepoTags")[0].GetString());
    }

    [Fact]
    public async Task From_file_with_a_bad_line_names_the_line()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var list = temp.Combine("images.txt");
        await File.WriteAllTextAsync(list, "servercore:ltsc2019\nNot/Valid\n", ct);

        var result = await CliRunner.RunAsync(["--from-file", list, "-o", temp.Combine("x.tar")], cancellationToken: ct);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("images.txt:2", result.Error);
    }

    [Fact]
    public async Task Tags_glob_exports_every_matching_tag()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await StartAsync(ct);
        registry.TagPageSize = 2;
        using var temp = new TempFolder();
        var repository = $"{registry.Authority}/windows/servercore";

        var result = await CliRunner.RunAsync([repository, "--tags", "ltsc20*", "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache")], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var (manifest, _) = Read(temp.Combine("x.tar"));
        var tags = manifest.EnumerateArray().Select(m => m.GetProperty("RepoTags")[0].GetString()!.Split(':')[^1]).Order().ToList();
        Assert.Equal(["ltsc2019", "ltsc2022", "ltsc2025-preview"], tags);
    }

    [Fact]
    public async Task Tags_with_a_tagged_reference_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(["servercore:ltsc2019", "--tags", "ltsc*"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("without tag or digest", result.Error);
    }
}
