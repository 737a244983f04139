using McrExport.Errors;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Hostile.Files;

/// <summary>
/// Tar headers crafted as an attacker would: a negative size (base-256) and a size of 2^63-1. Before, the first made
/// verify and push loop forever (memory past 2 GB in 30 s), the second crashed with an unexpected error. Now both are
/// integrity errors (exit 6), found within seconds in bounded memory, and push sends nothing.
/// </summary>
public sealed class HostileTarFilesTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);
    private const long MaxRss = 400L << 20;

    public static TheoryData<string, long> Sizes => new() { { "negative", -1024 }, { "maximum", long.MaxValue } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task A_tar_header_size_below_zero_or_past_the_end_is_an_integrity_error_for_verify(string kind, long size)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var tar = Write(temp, kind, size);

        var result = await ToolProcess.RunAsync(["verify", tar], TimeSpan.FromSeconds(60), ct);

        ToolProcess.AssertBounded(result, ExitCodes.Integrity, Within, MaxRss);
        Assert.Contains(size < 0 ? "is negative" : "truncated", result.Error);
        Assert.Contains("evil", result.Error);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task A_tar_header_size_below_zero_or_past_the_end_makes_push_fail_before_any_request(string kind, long size)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        await using var target = await PushRecorder.StartAsync(ct);
        var tar = Write(temp, kind, size);

        var result = await ToolProcess.RunAsync(["push", tar, $"{target.Authority}/hostile/tar:1", "--cache-dir", temp.Combine("cache")],
            TimeSpan.FromSeconds(60), ct);

        ToolProcess.AssertBounded(result, ExitCodes.Integrity, Within, MaxRss);
        Assert.Equal(0, target.Host.RequestsStarted);
    }

    [Fact]
    public void The_index_moves_forward_and_reports_instead_of_throwing()
    {
        using var stream = new MemoryStream([
            .. CraftedTar.File("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray()),
            .. CraftedTar.Header("evil", CraftedTar.Base256(-1024)),
            .. new byte[4096],
        ]);

        var (items, problem) = McrExport.Archive.TarIndex.Read(stream);

        Assert.Single(items);
        Assert.Contains("negative", problem);
    }

    /// <summary>A tar whose first member is a real file and whose second header has the crafted size.</summary>
    private static string Write(TempFolder temp, string kind, long size)
    {
        var path = temp.Combine($"{kind}.tar");
        File.WriteAllBytes(path, [
            .. CraftedTar.File("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray()),
            .. CraftedTar.Header("evil", CraftedTar.Base256(size)),
            .. new byte[8192],
            .. CraftedTar.End(),
        ]);
        return path;
    }
}
