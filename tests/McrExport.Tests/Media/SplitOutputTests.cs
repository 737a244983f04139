using System.Security.Cryptography;
using McrExport.Output;
using McrExport.Output.Split;
using McrExport.TestSupport;
using Xunit;

namespace McrExport.Tests.Media;

public sealed class SplitOutputTests
{
    private static byte[] Data(int size, int seed = 1)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task Cuts_the_stream_into_parts_of_at_most_the_size_and_lists_them_with_the_whole_in_sha256sum_format()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var target = temp.Combine("image.tar");
        var data = Data(2500);
        await using (var split = new SplitOutput(target, 1000))
        {
            // odd write sizes that straddle part boundaries
            for (var i = 0; i < data.Length; i += 333) await split.WriteAsync(data.AsMemory(i, Math.Min(333, data.Length - i)), ct);
            await split.CommitAsync(ct);
            Assert.Equal(Hex(data), split.WholeSha256);
        }

        Assert.Equal<string>(["image.tar.001", "image.tar.002", "image.tar.003", "image.tar.sha256"],
            Directory.GetFiles(temp.Path).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
        var parts = new[] { 1, 2, 3 }.Select(n => File.ReadAllBytes(SplitOutput.PartPath(target, n))).ToArray();
        Assert.Equal([1000, 1000, 500], parts.Select(p => p.Length));
        Assert.Equal(data, parts.SelectMany(p => p).ToArray());
        Assert.Equal(
            $"{Hex(parts[0])}  image.tar.001\n{Hex(parts[1])}  image.tar.002\n{Hex(parts[2])}  image.tar.003\n{Hex(data)}  image.tar\n",
            File.ReadAllText(SplitOutput.ChecksumPath(target)));
    }

    [Fact]
    public async Task A_stream_of_exactly_n_parts_makes_no_empty_part_and_sync_writes_work_too()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var target = temp.Combine("x.tar");
        var data = Data(2048);
        using (var split = new SplitOutput(target, 1024))
        {
            split.Write(data, 0, data.Length);
            await split.CommitAsync(ct);
        }
        Assert.True(File.Exists(SplitOutput.PartPath(target, 2)));
        Assert.False(File.Exists(SplitOutput.PartPath(target, 3)));
        Assert.Equal(3, File.ReadAllLines(SplitOutput.ChecksumPath(target)).Length);
    }

    [Fact]
    public async Task Nothing_is_left_when_the_writer_fails_and_parts_of_an_earlier_longer_split_are_removed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var target = temp.Combine("x.tar");
        var writer = new WriterOptions(target) { SplitSize = 1000 };
        await Assert.ThrowsAsync<InvalidOperationException>(() => AtomicOutput.WriteFileAsync(writer, async (stream, token) =>
        {
            await stream.WriteAsync(Data(2500), token);
            throw new InvalidOperationException("writer failed");
        }, 2500, ct));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));

        await AtomicOutput.WriteFileAsync(writer, (stream, token) => stream.WriteAsync(Data(4500), token).AsTask(), 4500, ct);
        Assert.True(File.Exists(SplitOutput.PartPath(target, 5)));
        await AtomicOutput.WriteFileAsync(writer, (stream, token) => stream.WriteAsync(Data(1500, 2), token).AsTask(), 1500, ct);
        Assert.Equal<string>(["x.tar.001", "x.tar.002", "x.tar.sha256"],
            Directory.GetFiles(temp.Path).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(Data(1500, 2), File.ReadAllBytes(SplitOutput.PartPath(target, 1)).Concat(File.ReadAllBytes(SplitOutput.PartPath(target, 2))).ToArray());
    }

    [Fact]
    public async Task A_cancelled_write_leaves_no_part_and_keeps_an_earlier_set()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var target = temp.Combine("x.tar");
        var writer = new WriterOptions(target) { SplitSize = 1000 };
        await AtomicOutput.WriteFileAsync(writer, (stream, token) => stream.WriteAsync(Data(1500, 3), token).AsTask(), 1500, ct);
        var before = Directory.GetFiles(temp.Path).Order(StringComparer.Ordinal).ToDictionary(f => f, File.ReadAllBytes);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicOutput.WriteFileAsync(writer, async (stream, token) =>
        {
            await stream.WriteAsync(Data(3500), token);
            await cancel.CancelAsync();
            await stream.WriteAsync(Data(10), token);
        }, 3500, cancel.Token));

        Assert.Equal(before.Keys, Directory.GetFiles(temp.Path).Order(StringComparer.Ordinal));
        foreach (var (file, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    [Fact]
    public async Task Temporary_parts_are_hidden_until_the_commit_and_too_many_parts_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var target = temp.Combine("x.tar");
        await using (var split = new SplitOutput(target, 100, maxParts: 3))
        {
            await split.WriteAsync(Data(250), ct);
            Assert.All(Directory.GetFiles(temp.Path), f => Assert.StartsWith(".x.tar.", Path.GetFileName(f)));
            Assert.False(File.Exists(SplitOutput.PartPath(target, 1)));
            var e = await Assert.ThrowsAsync<Errors.UsageException>(async () => await split.WriteAsync(Data(100), ct));
            Assert.Contains("more than 3 parts", e.Message);
        }
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
