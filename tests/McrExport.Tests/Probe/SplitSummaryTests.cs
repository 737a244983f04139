using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Probe;

/// <summary>An image smaller than one part: the summary says "1 part NAME.001", not "1 parts NAME.001 … NAME.001".</summary>
public sealed class SplitSummaryTests
{
    [Fact]
    public async Task A_split_export_of_one_part_names_that_part_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("demo/hello", "1.0", TestImages.Image(new Platform("linux", "amd64"), [Layer.FromFiles(("hello.txt", "hello\n"))]));
        using var temp = new TempFolder();
        var output = temp.Combine("s.tar");

        var result = await CliRunner.RunAsync([registry.Reference("demo/hello", "1.0"), "-o", output, "--split", "1M", "--cache-dir", temp.Combine("cache")],
            cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(output + ".001"));
        Assert.Contains("output    1 part s.tar.001 (", result.Error);
        Assert.Contains(") and s.tar.sha256", result.Error);
        Assert.DoesNotContain("1 parts", result.Error);
    }
}
