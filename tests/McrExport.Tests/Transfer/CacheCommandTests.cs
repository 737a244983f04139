using McrExport.Content;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary><c>mcr-export cache list</c> and <c>cache prune</c>.</summary>
public sealed class CacheCommandTests
{
    private static async Task<(BlobStore Store, Descriptor Old, Descriptor Recent)> SeedAsync(TempFolder temp, CancellationToken ct)
    {
        var store = new BlobStore(temp.Combine("cache"));
        var oldBytes = new byte[3000];
        var recentBytes = new byte[5000];
        new Random(1).NextBytes(oldBytes);
        new Random(2).NextBytes(recentBytes);
        var old = new Descriptor("application/octet-stream", Digest.Compute(oldBytes), oldBytes.Length);
        var recent = new Descriptor("application/octet-stream", Digest.Compute(recentBytes), recentBytes.Length);
        await store.PutAsync(old, oldBytes, ct);
        await store.PutAsync(recent, recentBytes, ct);
        File.SetLastWriteTimeUtc(store.PathOf(old.Digest), DateTime.UtcNow.AddDays(-45));
        return (store, old, recent);
    }

    [Fact]
    public async Task List_shows_digest_size_and_last_use()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var (store, old, recent) = await SeedAsync(temp, ct);

        var result = await CliRunner.RunAsync(["cache", "list", "--cache-dir", store.Root], cancellationToken: ct);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(recent.Digest.ToString(), lines[0]);
        Assert.StartsWith(old.Digest.ToString(), lines[1]);
        Assert.Contains(DiskErrors.FormatSize(3000), lines[1]);
        Assert.Contains(DateTime.UtcNow.AddDays(-45).ToString("yyyy-MM-dd"), lines[1]);
        Assert.Contains("2 blobs", result.Error);
    }

    [Fact]
    public async Task Prune_older_than_removes_only_blobs_not_used_for_that_long()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var (store, old, recent) = await SeedAsync(temp, ct);

        var result = await CliRunner.RunAsync(["cache", "prune", "--older-than", "30d", "--cache-dir", store.Root], cancellationToken: ct);

        Assert.Equal(0, result.ExitCode);
        Assert.False(File.Exists(store.PathOf(old.Digest)));
        Assert.True(File.Exists(store.PathOf(recent.Digest)));
        Assert.Contains("removed 1 blobs", result.Error);
    }

    [Fact]
    public async Task Prune_all_removes_everything()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var (store, _, _) = await SeedAsync(temp, ct);

        var result = await CliRunner.RunAsync(["cache", "prune", "--all", "--cache-dir", store.Root], cancellationToken: ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(store.List());
    }

    [Fact]
    public async Task Prune_removes_a_partial_download_with_its_segment_record_and_stray_records()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var (store, _, recent) = await SeedAsync(temp, ct);
        var partialBytes = new byte[4096];
        new Random(3).NextBytes(partialBytes);
        var partialDigest = Digest.Compute(partialBytes);
        var partial = store.PartialPathOf(partialDigest);
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        await File.WriteAllBytesAsync(partial, partialBytes.AsMemory(0, 1000), ct);
        await File.WriteAllTextAsync(partial + BlobStore.SegmentsSuffix, $"mcr-export-segments 1\n{partialDigest} 4096\n0 1000\n", ct);
        var stray = store.PartialPathOf(Digest.Compute(new byte[] { 7 })) + BlobStore.SegmentsSuffix;
        await File.WriteAllTextAsync(stray, "mcr-export-segments 1\n", ct);
        foreach (var path in new[] { partial, partial + BlobStore.SegmentsSuffix, stray })
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-45));

        var result = await CliRunner.RunAsync(["cache", "prune", "--older-than", "30d", "--cache-dir", store.Root], cancellationToken: ct);

        Assert.Equal(0, result.ExitCode);
        Assert.False(File.Exists(partial));
        Assert.False(File.Exists(partial + BlobStore.SegmentsSuffix));
        Assert.False(File.Exists(stray));
        Assert.True(File.Exists(store.PathOf(recent.Digest)));
    }

    [Theory]
    [InlineData("30x")]
    [InlineData("thirty")]
    [InlineData("-5d")]
    public async Task Bad_age_is_a_usage_error(string age)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var (store, old, _) = await SeedAsync(temp, ct);

        var result = await CliRunner.RunAsync(["cache", "prune", "--older-than", age, "--cache-dir", store.Root], cancellationToken: ct);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("error:", result.Error);
        Assert.True(File.Exists(store.PathOf(old.Digest)));
    }
}
