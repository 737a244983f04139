using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Probe;

/// <summary>
/// <c>verify /tmp</c> or <c>verify ~</c> by mistake: a folder with neither index.json nor manifest.json is said to be no
/// image archive, in one line, without walking every file under it (and reporting each socket and FIFO there).
/// </summary>
public sealed class NotAnArchiveFolderTests
{
    [Fact]
    public async Task Verify_of_a_folder_that_is_no_layout_gives_one_problem_and_does_not_walk_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var folder = temp.Combine("home");
        Directory.CreateDirectory(Path.Combine(folder, "deep", "deeper"));
        await File.WriteAllTextAsync(Path.Combine(folder, "deep", "deeper", "notes.txt"), "x", ct);
        var fifo = Path.Combine(folder, "a-pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync(ct);
        Assert.True(File.Exists(fifo));

        var result = await CliRunner.RunAsync(["verify", folder], cancellationToken: ct);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("has neither index.json nor manifest.json", result.Error);
        Assert.DoesNotContain("a-pipe", result.Error);
        Assert.Contains("1 problem(s)", result.Error + result.Out);
    }
}
