using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Probe;

/// <summary>
/// <c>--platform</c> on a reference that names one image (no index): the image is taken only when it is that platform,
/// as <c>docker pull --platform</c> checks; an arm64 machine must not get an amd64 image with exit 0.
/// </summary>
public sealed class SinglePlatformRequestTests
{
    private static async Task<FakeRegistry> StartAsync(CancellationToken ct)
    {
        var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("demo/hello", "1.0", TestImages.Image(new Platform("linux", "amd64"), [Layer.FromFiles(("hello.txt", "hello\n"))]));
        registry.Push("windows/app", "1.0", TestImages.Image(new Platform("windows", "amd64", OsVersion: "10.0.17763.6532"),
            [Layer.FromFiles(("Files/app.txt", "app\r\n"))]));
        return registry;
    }

    [Theory]
    [InlineData("demo/hello", "--platform", "linux/arm64/v8")]
    [InlineData("demo/hello", "--platform", "windows/amd64")]
    [InlineData("windows/app", "--os-version", "10.0.20348")]
    public async Task Export_of_a_single_image_of_another_platform_fails_with_exit_3_and_writes_nothing(string repository, string option, string value)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await StartAsync(ct);
        using var temp = new TempFolder();
        var output = temp.Combine("x.tar");

        var result = await CliRunner.RunAsync([registry.Reference(repository, "1.0"), option, value, "-o", output, "--cache-dir", temp.Combine("cache")],
            cancellationToken: ct);

        Assert.True(result.ExitCode == 3, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains(value, result.Error);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("demo/hello", "--platform", "linux/amd64")]
    [InlineData("demo/hello", "--platform", "Linux/x86_64")]
    [InlineData("windows/app", "--os-version", "10.0.17763")]
    public async Task Export_of_a_single_image_of_the_platform_asked_for_succeeds(string repository, string option, string value)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await StartAsync(ct);
        using var temp = new TempFolder();
        var output = temp.Combine("x.tar");

        var result = await CliRunner.RunAsync([registry.Reference(repository, "1.0"), option, value, "-o", output, "--cache-dir", temp.Combine("cache")],
            cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(output));
    }

    [Fact]
    public async Task Inspect_of_a_single_image_of_another_platform_fails_with_exit_3()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await StartAsync(ct);

        var result = await CliRunner.RunAsync(["inspect", registry.Reference("demo/hello", "1.0"), "--platform", "linux/arm64"], cancellationToken: ct);

        Assert.True(result.ExitCode == 3, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains("linux/amd64", result.Error);
    }
}
