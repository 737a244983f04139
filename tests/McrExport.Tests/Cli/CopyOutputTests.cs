using System.Text.Json;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>
/// <c>copy</c> speaks as export and push do: <c>--json</c> documents valid against docs/schema/copy.schema.json (with
/// download counts from a registry source, push counts to a registry destination), plain progress lines in logs, live
/// bars in a terminal, and the output checked before the network.
/// </summary>
public sealed class CopyOutputTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Json_documents_of_registry_to_archive_archive_to_registry_and_registry_to_layout_match_the_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = TestImages.Small("copyjson");
        source.Push("demo/hello", "1.0", image);
        await using var target = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();
        var cache = temp.Combine("cache");
        var tar = temp.Combine("hello.tar");
        var size = image.ConfigBytes.Length + image.Layers.Sum(l => l.Bytes.Length);
        var layerBytes = image.Layers.Sum(l => l.Bytes.Length); // the config comes with the manifest, before the transfer

        var pulled = await BuiltTool.RunAsync(["copy", $"docker://{source.Reference("demo/hello", "1.0")}", $"docker-archive:{tar}", "--cache-dir", cache, "--json"], ct);
        Assert.True(pulled.ExitCode == 0, pulled.Describe());
        Assert.Equal("", pulled.Error);
        var first = SchemaCheck.Validate("copy", pulled.Out);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("push").ValueKind);
        var entry = first.GetProperty("entries")[0];
        Assert.Equal("image", entry.GetProperty("kind").GetString());
        Assert.Equal(image.ManifestDigest.ToString(), entry.GetProperty("digest").GetString());
        Assert.Equal("linux", entry.GetProperty("platform").GetProperty("os").GetString());
        Assert.Equal(size, entry.GetProperty("size").GetInt64());
        Assert.Equal(layerBytes, first.GetProperty("transfer").GetProperty("bytesDownloaded").GetInt64());
        Assert.Equal(0, first.GetProperty("transfer").GetProperty("bytesFromCache").GetInt64());

        var pushed = await BuiltTool.RunAsync(["copy", $"docker-archive:{tar}", $"docker://{target.Reference("team/hello", "1.0")}", "--cache-dir", cache, "--json"], ct);
        Assert.True(pushed.ExitCode == 0, pushed.Describe());
        var second = SchemaCheck.Validate("copy", pushed.Out);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("transfer").ValueKind);
        var blobs = second.GetProperty("push").GetProperty("blobs");
        Assert.Equal(1 + image.Layers.Count, blobs.GetProperty("uploaded").GetInt32());
        Assert.Equal(size, blobs.GetProperty("uploadedBytes").GetInt64());
        Assert.Equal(image.ManifestDigest.ToString(), second.GetProperty("push").GetProperty("images")[0].GetProperty("digest").GetString());

        var again = await BuiltTool.RunAsync(["copy", $"docker-archive:{tar}", $"docker://{target.Reference("team/hello", "1.0")}", "--cache-dir", cache, "--json"], ct);
        Assert.True(again.ExitCode == 0, again.Describe());
        Assert.Equal(1 + image.Layers.Count, SchemaCheck.Validate("copy", again.Out).GetProperty("push").GetProperty("blobs").GetProperty("alreadyThere").GetInt32());

        var layout = await BuiltTool.RunAsync(["copy", $"docker://{target.Reference("team/hello", "1.0")}", $"oci:{temp.Combine("layout")}:1.0",
            "--cache-dir", cache, "--json", "--insecure-registry", target.Authority], ct);
        Assert.True(layout.ExitCode == 0, layout.Describe());
        var third = SchemaCheck.Validate("copy", layout.Out);
        Assert.Equal(0, third.GetProperty("transfer").GetProperty("bytesDownloaded").GetInt64());
        Assert.Equal(layerBytes, third.GetProperty("transfer").GetProperty("bytesFromCache").GetInt64());
        Assert.Equal("1.0", third.GetProperty("entries")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task In_a_log_a_copy_prints_a_line_per_blob_and_what_came_from_where()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = TestImages.Small("copylog");
        source.Push("demo/hello", "1.0", image);
        using var temp = new TempFolder();

        var run = await BuiltTool.RunAsync(["copy", $"docker://{source.Reference("demo/hello", "1.0")}", $"oci-archive:{temp.Combine("x.oci.tar")}",
            "--cache-dir", temp.Combine("cache")], ct);

        Assert.True(run.ExitCode == 0, run.Describe());
        foreach (var layer in image.Layers)
        {
            Assert.Contains($"fetching  {layer.Digest.Short}", run.Error);
            Assert.Contains($"done      {layer.Digest.Short}", run.Error);
        }
        Assert.Matches(@"fetched   [\d.]+ (B|KiB) downloaded, 0 B resumed, 0 B from cache", run.Error);
        Assert.Contains(image.ManifestDigest.ToString(), run.Out);
        Assert.DoesNotContain(" bytes", run.Error);
    }

    [Fact]
    public async Task In_a_terminal_a_copy_to_a_registry_shows_upload_bars()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        Layer[] layers = [Layer.Random(384 * 1024, 7201), Layer.Random(192 * 1024, 7202)];
        var image = TestImages.Image(new McrExport.Model.Platform("linux", "amd64"), layers);
        source.Push("live/copy", "1", image);
        await using var target = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();

        await using var terminal = await TmuxTerminal.StartAsync(["copy", $"docker://{source.Reference("live/copy", "1")}",
            $"docker://{target.Reference("live/copy", "1")}", "--cache-dir", temp.Combine("cache")], ct);
        var screen = await terminal.WaitForAsync(s => s.Contains("EXIT=", StringComparison.Ordinal), Limit, ct);

        Assert.True(screen.Contains("EXIT=0", StringComparison.Ordinal), screen);
        foreach (var layer in layers)
            Assert.True(screen.Split('\n').Any(l => l.Contains($"{layer.Digest.Short} → live/copy", StringComparison.Ordinal) && l.Contains('━')), screen);
        Assert.Contains($"{target.Authority}/live/copy:1@{image.ManifestDigest}", screen);
        Assert.DoesNotContain(" bytes", screen);
    }

    [Fact]
    public async Task A_missing_destination_folder_fails_before_any_request()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        source.Push("demo/hello", "1.0", TestImages.Small("copycheck"));
        using var temp = new TempFolder();
        var missing = temp.Combine("no", "such", "x.tar");

        var run = await BuiltTool.RunAsync(["copy", $"docker://{source.Reference("demo/hello", "1.0")}", $"docker-archive:{missing}",
            "--cache-dir", temp.Combine("cache")], ct);

        Assert.True(run.ExitCode == 2, run.Describe());
        Assert.Contains($"cannot write {missing}: the folder {Path.GetDirectoryName(missing)} does not exist", run.Error);
        Assert.Equal(0, source.Host.RequestsStarted);
    }
}
