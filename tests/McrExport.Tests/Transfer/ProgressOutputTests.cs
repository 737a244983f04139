using System.Formats.Tar;
using System.Text.Json;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>Progress goes to standard error only: plain lines, live lines on a terminal, nothing with --quiet.</summary>
public sealed class ProgressOutputTests
{
    private static readonly Layer[] Layers = [Layer.Random(512 * 1024, 6001), Layer.Random(256 * 1024, 6002)];

    [Fact]
    public async Task Plain_mode_prints_fetching_and_done_lines_and_only_the_tar_goes_to_standard_output()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Layers);

        var result = await CliRunner.RunAsync([bench.Reference, "-o", "-", "--cache-dir", bench.Cache], terminal: false, cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Out);
        var lines = result.Error.Split('\n');
        foreach (var layer in Layers)
        {
            Assert.Single(lines, l => l.StartsWith("fetching", StringComparison.Ordinal) && l.Contains(layer.Digest.Short));
            Assert.Single(lines, l => l.StartsWith("done", StringComparison.Ordinal) && l.Contains(layer.Digest.Short));
        }
        Assert.Contains("output    standard output", result.Error);
        Assert.DoesNotContain('\u001b', result.Error);

        using var tar = new MemoryStream(result.StandardOutputBytes);
        using (var reader = new TarReader(tar, leaveOpen: true))
        {
            TarEntry? entry;
            while ((entry = reader.GetNextEntry()) is { EntryType: TarEntryType.Directory }) { }
            Assert.Equal("oci-layout", entry?.Name);
        }
        tar.Position = 0;
        var files = TarContents.Read(tar.ToArray()).ToFiles();
        Assert.All(Layers, l => Assert.Equal(l.Bytes, files[$"blobs/sha256/{l.Digest.Encoded}"]));
    }

    [Fact]
    public async Task Terminal_mode_draws_with_spectre_on_standard_error_only()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Layers);

        var result = await CliRunner.RunAsync([bench.Reference, "-o", bench.Output, "--cache-dir", bench.Cache], terminal: true, cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Out);
        Assert.Empty(result.StandardOutputBytes);
        Assert.Contains("total", result.Error);
        Assert.Contains('\u001b', result.Error);
        Assert.Contains("resolved", result.Error);
        Assert.DoesNotContain("fetching  ", result.Error);
        Assert.Contains(Layers[0].Digest.Short, result.Error);
    }

    [Fact]
    public async Task Quiet_prints_nothing_on_success()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Layers);

        var result = await bench.ExportAsync(ct, "--quiet");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Error);
        Assert.Equal("", result.Out);
        Assert.True(File.Exists(bench.Output));
    }

    [Fact]
    public async Task Json_prints_a_parseable_summary()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Layers);

        var result = await bench.ExportAsync(ct, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Error);
        using var summary = JsonDocument.Parse(result.Out);
        var root = summary.RootElement;
        var image = root.GetProperty("images")[0];
        Assert.Equal(bench.Reference, image.GetProperty("reference").GetString());
        Assert.Equal("linux", image.GetProperty("platform").GetProperty("os").GetString());
        Assert.Equal("amd64", image.GetProperty("platform").GetProperty("architecture").GetString());
        Assert.Equal(bench.Image.ManifestDigest.ToString(), image.GetProperty("manifestDigest").GetString());
        Assert.Equal(Layers.Length, image.GetProperty("layers").GetInt32());
        Assert.Equal(bench.Output, root.GetProperty("output").GetString());
        Assert.Equal(new FileInfo(bench.Output).Length, root.GetProperty("outputBytes").GetInt64());
        Assert.Equal(Layers.Sum(l => l.Size), root.GetProperty("bytesDownloaded").GetInt64());
        Assert.Equal(0, root.GetProperty("bytesFromCache").GetInt64());
        Assert.Equal(Layers.Length, root.GetProperty("blobsDownloaded").GetInt32());
        Assert.True(root.GetProperty("seconds").GetDouble() >= 0);
    }
}
