using System.Text.Json;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Probe;

/// <summary>
/// <c>copy SOURCE oci-archive:-</c> / <c>docker-archive:-</c>: standard output holds the tar and nothing else, as for
/// <c>export -o -</c>; the result lines and the <c>--json</c> document go to standard error. A terminal is refused.
/// </summary>
public sealed class CopyToStandardOutputTests
{
    private static async Task<(FakeRegistry Registry, string Reference)> StartAsync(CancellationToken ct)
    {
        var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("demo/hello", "1.0", TestImages.Image(new Platform("linux", "amd64"), [Layer.FromFiles(("hello.txt", "hello\n"))]));
        return (registry, registry.Reference("demo/hello", "1.0"));
    }

    [Theory]
    [InlineData("oci-archive:-", false)]
    [InlineData("docker-archive:-", false)]
    [InlineData("docker-archive:-", true)]
    public async Task Standard_output_holds_only_the_tar(string destination, bool json)
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, reference) = await StartAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();
        string[] args = ["copy", $"docker://{reference}", destination, "--cache-dir", temp.Combine("cache"), .. json ? new[] { "--json" } : []];

        var result = await CliRunner.RunAsync(args, cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Out);
        var tar = result.StandardOutputBytes;
        Assert.True(tar.Length > 1024 && tar.Length % 512 == 0, $"{tar.Length} bytes on standard output");
        Assert.All(tar[^1024..], b => Assert.Equal(0, b));
        var path = temp.Combine("out.tar");
        await File.WriteAllBytesAsync(path, tar, ct);
        Assert.Contains("index.json", TarContents.Read(path).ToFiles().Keys);
        if (json)
        {
            using var document = JsonDocument.Parse(result.Error[result.Error.IndexOf('{')..]);
            Assert.Equal(1, document.RootElement.GetProperty("schemaVersion").GetInt32());
        }
        else Assert.Contains("wrote 1 image(s) to", result.Error);
    }
}
