using System.Text;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using McrExport.Tests.Transfer;
using Xunit;

namespace McrExport.Tests.Output;

/// <summary>
/// docker-tar and oci-tar are written in the same pass as the download: each blob enters the tar once it is verified,
/// manifest.json and index.json last; a blob that fails its digest never reaches the output.
/// </summary>
public sealed class OnePassTests
{
    private static readonly Layer Small = Layer.Random(1 << 20, 5101);
    private static readonly Layer Medium = Layer.Random(6 << 20, 5102);

    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    public async Task Tar_gets_blobs_as_they_arrive_and_the_index_last(string format)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, BigLayers.Sixteen, Small, Medium);

        var result = await bench.ExportAsync(ct, "-f", format);

        Assert.True(result.ExitCode == 0, result.Error);
        var entries = TarContents.Read(bench.Output);
        var names = entries.Select(e => e.Name).ToList();
        var lastBlob = names.FindLastIndex(n => n.StartsWith("blobs/sha256/", StringComparison.Ordinal) && n.Length > "blobs/sha256/".Length);
        Assert.True(names.IndexOf("index.json") > lastBlob, string.Join(", ", names));
        if (format == "docker-tar") Assert.True(names.IndexOf("manifest.json") > lastBlob, string.Join(", ", names));
        var files = entries.ToFiles();
        foreach (var layer in new[] { BigLayers.Sixteen, Small, Medium })
            Assert.Equal(layer.Bytes, files[$"blobs/sha256/{layer.Digest.Encoded}"]);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public async Task Blob_failing_its_digest_twice_leaves_no_output_and_no_temporary_file()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Small, BigLayers.Sixteen);
        bench.Registry.Faults.Enqueue(BigLayers.Sixteen.Digest, Fault.Corrupt(), times: 2);

        var result = await bench.ExportAsync(ct);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("hashes to", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(File.Exists(bench.Output));
        var beside = Directory.GetFileSystemEntries(Path.GetDirectoryName(bench.Output)!).Select(Path.GetFileName).ToList();
        Assert.Equal(["cache"], beside);
        Assert.False(File.Exists(bench.CachedBlobPath(BigLayers.Sixteen.Digest)));
    }

    [Fact]
    public async Task Blob_failing_its_digest_twice_never_reaches_standard_output()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Small, BigLayers.Sixteen);
        bench.Registry.Faults.Enqueue(BigLayers.Sixteen.Digest, Fault.Corrupt(), times: 2);

        var result = await CliRunner.RunAsync([bench.Reference, "-o", "-", "--cache-dir", bench.Cache, "--quiet"], cancellationToken: ct);

        Assert.NotEqual(0, result.ExitCode);
        var written = Encoding.Latin1.GetString(result.StandardOutputBytes);
        Assert.DoesNotContain($"blobs/sha256/{BigLayers.Sixteen.Digest.Encoded}", written);
        Assert.Contains($"blobs/sha256/{Small.Digest.Encoded}", written);
        Assert.DoesNotContain("manifest.json", written);
        Assert.DoesNotContain("index.json", written);
    }

    [Fact]
    public async Task Blob_failing_its_digest_once_is_fetched_again_and_written_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Small, BigLayers.Sixteen);
        bench.Registry.Faults.Enqueue(BigLayers.Sixteen.Digest, Fault.Corrupt());

        var result = await bench.ExportAsync(ct, "-f", "oci-tar");

        Assert.True(result.ExitCode == 0, result.Error);
        var entries = TarContents.Read(bench.Output);
        Assert.Single(entries, e => e.Name == $"blobs/sha256/{BigLayers.Sixteen.Digest.Encoded}");
        Assert.Equal(BigLayers.Sixteen.Bytes, entries.ToFiles()[$"blobs/sha256/{BigLayers.Sixteen.Digest.Encoded}"]);
        Assert.Equal(2, bench.BlobGets(BigLayers.Sixteen.Digest).Count);
    }

    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    public async Task Blob_under_way_is_streamed_into_the_output_file_before_it_completes(string format)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Small, BigLayers.Sixteen);
        // Three quarters of the layer, then nothing for 15 s (less than the 30 s stall timeout), then the rest.
        bench.Registry.Faults.Enqueue(BigLayers.Sixteen.Digest, Fault.Stall(BigLayers.Sixteen.Size * 3 / 4, TimeSpan.FromSeconds(15)));

        var export = bench.ExportAsync(ct, "-f", format);
        long seen = 0;
        var folder = Path.GetDirectoryName(bench.Output)!;
        while (!export.IsCompleted && seen < BigLayers.Sixteen.Size / 2)
        {
            await Task.Delay(50, ct);
            // Sampled only while the registry has not sent the whole layer yet (the stall holds it at three quarters).
            var served = bench.Registry.BytesServed(BigLayers.Sixteen.Digest);
            var length = Directory.GetFiles(folder, ".out.tar.*").Select(f => new FileInfo(f).Length).DefaultIfEmpty(0).Max();
            if (bench.Registry.BytesServed(BigLayers.Sixteen.Digest) < BigLayers.Sixteen.Size && served < BigLayers.Sixteen.Size)
                seen = Math.Max(seen, length);
        }
        var result = await export;

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(seen >= BigLayers.Sixteen.Size / 2,
            $"the temporary tar held {seen} bytes while the layer stalled at {BigLayers.Sixteen.Size * 3 / 4} of {BigLayers.Sixteen.Size}");
        Assert.True(File.Exists(bench.CachedBlobPath(BigLayers.Sixteen.Digest)), "the layer is in the cache as well");
        Assert.Equal(BigLayers.Sixteen.Bytes, bench.ExportedBlob(BigLayers.Sixteen.Digest));
        Assert.Single(BlobNames(bench), n => n.EndsWith(BigLayers.Sixteen.Digest.Encoded, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Download_restarting_from_zero_takes_its_streamed_entry_back_and_writes_it_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Small, BigLayers.Sixteen);
        // Dropped at three quarters; the resume is answered 200 (Range ignored), so the download starts again at 0.
        bench.Registry.IgnoreRange = true;
        bench.Registry.Faults.Enqueue(BigLayers.Sixteen.Digest, Fault.DropAfter(BigLayers.Sixteen.Size * 3 / 4));

        var result = await bench.ExportAsync(ct, "-f", "oci-tar", "--connections", "1");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(2, bench.BlobGets(BigLayers.Sixteen.Digest).Count);
        Assert.Equal(BigLayers.Sixteen.Bytes, bench.ExportedBlob(BigLayers.Sixteen.Digest));
        Assert.Equal(Small.Bytes, bench.ExportedBlob(Small.Digest));
        var names = TarContents.Read(bench.Output).Select(e => e.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal("index.json", names[^1]);
    }

    [Fact]
    public async Task No_cache_export_lets_each_temporary_blob_go_once_it_is_in_the_tar()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Small, BigLayers.Sixteen);
        // The big layer sends nothing for 15 s (less than the 30 s stall timeout): the small one is in the tar by then.
        bench.Registry.Faults.Enqueue(BigLayers.Sixteen.Digest, Fault.Stall(0, TimeSpan.FromSeconds(15)));
        var folder = Path.GetDirectoryName(bench.Output)!;
        string[] SmallCopies() => Directory.GetDirectories(folder, ".mcr-export-*")
            .Select(d => Path.Combine(d, "blobs", "sha256", Small.Digest.Encoded)).Where(File.Exists).ToArray();
        long TarLength() => Directory.GetFiles(folder, ".out.tar.*").Select(f => new FileInfo(f).Length).DefaultIfEmpty(0).Max();

        var export = CliRunner.RunAsync([bench.Reference, "-o", bench.Output, "--no-cache", "--quiet"], cancellationToken: ct);
        var smallInTar = false;
        string[] copies = ["not looked at"];
        for (var i = 0; i < 200 && !export.IsCompleted && bench.Registry.BytesServed(BigLayers.Sixteen.Digest) == 0; i++)
        {
            await Task.Delay(50, ct);
            smallInTar = bench.Registry.BytesServed(Small.Digest) == Small.Size && TarLength() > Small.Size;
            if (!smallInTar) continue;
            copies = SmallCopies();
            if (copies.Length == 0) break;
        }
        var bigStillStalled = bench.Registry.BytesServed(BigLayers.Sixteen.Digest) == 0;
        var result = await export;

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(smallInTar && bigStillStalled, $"the small layer was in the tar while the big one stalled: {smallInTar}, {bigStillStalled}");
        Assert.Empty(copies);
        Assert.Equal(BigLayers.Sixteen.Bytes, bench.ExportedBlob(BigLayers.Sixteen.Digest));
        Assert.Equal(Small.Bytes, bench.ExportedBlob(Small.Digest));
        Assert.Equal(["out.tar"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).ToList());
    }

    private static List<string> BlobNames(ExportBench bench) =>
        TarContents.Read(bench.Output).Select(e => e.Name).Where(n => n.StartsWith("blobs/sha256/", StringComparison.Ordinal)).ToList();
}
