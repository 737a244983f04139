using McrExport.Errors;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Hostile;

public sealed class ContentDigestTests
{
    [Fact]
    public async Task A_lying_docker_content_digest_stops_the_export_with_exit_6()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        using var temp = new TempFolder();
        registry.Push("library/hello", "1", TestImages.Small("hello"));
        registry.LieAboutManifestDigest = true;

        var result = await CliRunner.RunAsync([registry.Reference("library/hello", "1"), "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache")], cancellationToken: ct);

        Assert.Equal(ExitCodes.Integrity, result.ExitCode);
        Assert.Contains("hash to", result.Error);
        Assert.Contains(registry.Authority, result.Error);
        Assert.False(File.Exists(temp.Combine("x.tar")));
    }

    [Fact]
    public async Task A_pinned_digest_the_bytes_do_not_match_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = TestImages.Small("hello");
        var real = registry.Push("library/hello", "1", image);
        var other = Digest.Compute("other"u8);
        registry.AddManifest("library/hello", null, image.ManifestBytes, image.ManifestMediaType);
        registry.Host.Map($"/v2/library/hello/manifests/{other}", async context =>
        {
            context.Response.ContentType = image.ManifestMediaType;
            await context.Response.Body.WriteAsync(image.ManifestBytes, context.RequestAborted);
        });

        var result = await CliRunner.RunAsync(["inspect", registry.Reference("library/hello", other.ToString())], cancellationToken: ct);

        Assert.Equal(ExitCodes.Integrity, result.ExitCode);
        Assert.Contains(real.ToString(), result.Error);
    }
}
