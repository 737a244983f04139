using McrExport.Archive;
using McrExport.Errors;
using McrExport.Output.Split;
using Xunit;

namespace McrExport.Tests.Hostile.Files;

/// <summary>
/// The parts of a split archive come from outside like any archive: a part swapped for a symbolic link to a private
/// file, or for a FIFO, is an integrity error, never a read of the other file or a hang.
/// </summary>
public sealed class HostileSplitPartsTests
{
    private static async Task<string> SplitAsync(TempFolder temp)
    {
        var target = temp.Combine("a.tar");
        var data = new byte[3500];
        new Random(11).NextBytes(data);
        await using var split = new SplitOutput(target, 1000);
        await split.WriteAsync(data, TestContext.Current.CancellationToken);
        await split.CommitAsync(TestContext.Current.CancellationToken);
        return target;
    }

    [Fact]
    public async Task A_part_that_is_a_link_to_a_private_file_is_not_read()
    {
        using var temp = new TempFolder();
        var target = await SplitAsync(temp);
        var secret = temp.Combine("private.key");
        await File.WriteAllBytesAsync(secret, new byte[1000], TestContext.Current.CancellationToken);
        File.Delete(target + ".002");
        File.CreateSymbolicLink(target + ".002", secret);
        var set = PartSet.TryOpen(target)!;

        await using var stream = set.OpenRead();
        var error = Assert.ThrowsAny<IntegrityException>(() => stream.ReadExactly(new byte[3500]));
        Assert.Contains("a.tar.002", error.Message);
        Assert.ThrowsAny<IntegrityException>(() => set.CheckAsync(TestContext.Current.CancellationToken).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_part_that_is_a_fifo_fails_at_once_instead_of_hanging()
    {
        using var temp = new TempFolder();
        var target = await SplitAsync(temp);
        File.Delete(target + ".003");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [target + ".003"])) await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
        var set = PartSet.TryOpen(target)!;

        var check = Task.Run(() => set.CheckAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(check, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Same(check, finished);
        var error = await Assert.ThrowsAnyAsync<IntegrityException>(() => check);
        Assert.Contains("a.tar.003", error.Message);
    }
}
