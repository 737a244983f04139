using McrExport.Archive;
using McrExport.Output.Split;
using McrExport.TestSupport;
using Xunit;

namespace McrExport.Tests.Media;

public sealed class PartSetTests
{
    private static async Task<(string Target, byte[] Data)> SplitAsync(TempFolder temp, int size, int partSize)
    {
        var target = temp.Combine("a.tar");
        var data = new byte[size];
        new Random(7).NextBytes(data);
        await using var split = new SplitOutput(target, partSize);
        await split.WriteAsync(data, TestContext.Current.CancellationToken);
        await split.CommitAsync(TestContext.Current.CancellationToken);
        return (target, data);
    }

    [Theory]
    [InlineData(".001")]
    [InlineData(".003")]
    [InlineData(".sha256")]
    [InlineData("")]
    public async Task Is_found_from_any_part_the_checksum_file_or_the_joined_name_and_reads_as_one_seekable_stream(string suffix)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var (target, data) = await SplitAsync(temp, 3500, 1000);
        var set = PartSet.TryOpen(target + suffix);
        Assert.NotNull(set);
        Assert.Equal(target, set.Name);
        Assert.Equal(4, set.Parts.Count);
        Assert.Equal(3500, set.Length);
        Assert.Empty(await set.CheckAsync(ct));

        await using var stream = set.OpenRead();
        Assert.True(stream.CanSeek);
        var all = new byte[3500];
        stream.ReadExactly(all);
        Assert.Equal(data, all);
        Assert.Equal(0, stream.Read(new byte[1]));
        stream.Position = 995;
        var across = new byte[10];
        stream.ReadExactly(across);
        Assert.Equal(data.AsSpan(995, 10).ToArray(), across);
        stream.Seek(-5, SeekOrigin.End);
        var tail = new byte[5];
        await stream.ReadExactlyAsync(tail, ct);
        Assert.Equal(data.AsSpan(3495).ToArray(), tail);
    }

    [Fact]
    public void A_plain_file_and_an_unrelated_name_are_not_part_sets()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("plain.tar"), "x");
        File.WriteAllText(temp.Combine("notes.001"), "x");
        Assert.Null(PartSet.TryOpen(temp.Combine("plain.tar")));
        Assert.Null(PartSet.TryOpen(temp.Combine("nothing.tar")));
        Assert.NotNull(PartSet.TryOpen(temp.Combine("notes.001")));
    }

    [Fact]
    public async Task A_flipped_byte_is_named_with_its_part()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var (target, _) = await SplitAsync(temp, 3500, 1000);
        var part2 = SplitOutput.PartPath(target, 2);
        var bytes = File.ReadAllBytes(part2);
        bytes[500] ^= 0x01;
        File.WriteAllBytes(part2, bytes);
        var problems = await PartSet.Open(target).CheckAsync(ct);
        var problem = Assert.Single(problems);
        Assert.StartsWith($"{part2}: damaged", problem);
    }

    [Fact]
    public async Task A_missing_part_is_named_even_when_it_is_the_last_one()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var (target, _) = await SplitAsync(temp, 3500, 1000);
        File.Delete(SplitOutput.PartPath(target, 3));
        var set = PartSet.Open(target);
        Assert.Equal([3], set.Missing);
        Assert.Contains(await set.CheckAsync(ct), p => p.StartsWith($"{SplitOutput.PartPath(target, 3)}: missing (part 3 of 4)", StringComparison.Ordinal));

        File.Delete(SplitOutput.PartPath(target, 4));
        set = PartSet.Open(target);
        Assert.Equal([3, 4], set.Missing);
        Assert.Contains(await set.CheckAsync(ct), p => p.StartsWith($"{SplitOutput.PartPath(target, 4)}: missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_short_part_is_named_as_short()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var (target, _) = await SplitAsync(temp, 3500, 1000);
        var part2 = SplitOutput.PartPath(target, 2);
        File.WriteAllBytes(part2, File.ReadAllBytes(part2)[..700]);
        var problem = Assert.Single(await PartSet.Open(target).CheckAsync(ct));
        Assert.StartsWith($"{part2}: short (700 bytes; the parts before the last have 1000)", problem);
    }

    [Fact]
    public async Task A_missing_or_hostile_checksum_file_is_a_problem_and_names_outside_the_set_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var (target, _) = await SplitAsync(temp, 2500, 1000);
        var sums = SplitOutput.ChecksumPath(target);
        var original = File.ReadAllText(sums);

        File.Delete(sums);
        Assert.Contains(await PartSet.Open(target).CheckAsync(ct), p => p == $"{sums}: missing; the parts cannot be checked");

        File.WriteAllText(sums, original + $"{new string('0', 64)}  ../../etc/passwd\n{new string('1', 64)}  other.tar.001\nnonsense\n");
        var problems = await PartSet.Open(target).CheckAsync(ct);
        Assert.Contains(problems, p => p.Contains("line 5 is not", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'other.tar.001', which is not a part of a.tar", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("line 7 is not", StringComparison.Ordinal));

        File.WriteAllText(sums, new string('a', PartSet.MaxChecksumFileSize + 1));
        Assert.Contains(await PartSet.Open(target).CheckAsync(ct), p => p.Contains("more than the limit", StringComparison.Ordinal));
    }
}
