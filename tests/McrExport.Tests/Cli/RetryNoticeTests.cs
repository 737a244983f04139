using McrExport.Content;
using McrExport.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>
/// A retry in a log says what happened in the tool's one size format: a blob body that ends early (a clean end of a
/// chunked answer, no Content-Length to catch it) is resumed, and the notice reads
/// <c>retrying in 1.0 s (1/5): … closed the connection after 256.0 KiB of 1.0 MiB</c>.
/// </summary>
public sealed class RetryNoticeTests
{
    [Fact]
    public async Task A_body_that_ends_early_is_retried_with_the_sizes_written_as_everywhere()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var layer = Layer.Random(1 << 20, 7301);
        var image = TestImages.Image(new McrExport.Model.Platform("linux", "amd64"), [layer]);
        registry.Push("short/image", "1", image);
        const int cut = 256 * 1024;
        var answers = 0;
        registry.Host.Map($"/v2/short/image/blobs/{layer.Digest}", async c =>
        {
            var range = c.Request.Headers.Range.ToString();
            var start = range.StartsWith("bytes=", StringComparison.Ordinal) ? int.Parse(range[6..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (Interlocked.Increment(ref answers) == 1)
            {
                c.Response.StatusCode = 200;
                await c.Response.Body.WriteAsync(layer.Bytes.AsMemory(0, cut), c.RequestAborted); // chunked, then a clean end
                return;
            }
            c.Response.StatusCode = start > 0 ? 206 : 200;
            if (start > 0) c.Response.Headers.ContentRange = $"bytes {start}-{layer.Size - 1}/{layer.Size}";
            c.Response.ContentLength = layer.Size - start;
            await c.Response.Body.WriteAsync(layer.Bytes.AsMemory(start), c.RequestAborted);
        });
        using var temp = new TempFolder();

        var run = await BuiltTool.RunAsync([registry.Reference("short/image", "1"), "-o", temp.Combine("x.tar"), "--cache-dir", temp.Combine("cache")], ct);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Matches($@"retrying in \d+\.\d s \(1/5\): {layer.Digest.Short} from 127\.0\.0\.1:\d+: 127\.0\.0\.1:\d+ closed the connection after 256\.0 KiB of 1\.0 MiB", run.Error);
        Assert.DoesNotContain(" bytes", run.Error);
        Assert.Contains($"fetched   {DiskErrors.FormatSize(layer.Size)} downloaded", run.Error);
        Assert.Equal(2, answers);
    }
}
