using McrExport.Model;
using McrExport.Output.Split;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Media;

/// <summary>
/// What goes wrong with split media and how it is told: <c>verify NAME.001</c> and <c>verify NAME.sha256</c> name a
/// missing, short or damaged part; a run that fails while writing the parts leaves none behind (not even hidden
/// temporary ones) and leaves an earlier set of the same name as it was.
/// </summary>
public sealed class SplitFaultTests
{
    private const string Repository = "media/faults";

    private static TestImage Image() =>
        TestImages.Image(new Platform("linux", "amd64"), [Layer.Random(1536 * 1024, seed: 31), Layer.Random(1536 * 1024 + 77, seed: 32)]);

    private static async Task<string> SplitAsync(TempFolder temp, CancellationToken ct)
    {
        var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        await using var _ = registry;
        registry.Push(Repository, "1.0", Image());
        var split = temp.Combine("faults.tar");
        var result = await CliRunner.RunAsync([registry.Reference(Repository, "1.0"), "-o", split, "--split", "1M", "--no-cache"], cancellationToken: ct);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(SplitOutput.PartPath(split, 4)) && !File.Exists(SplitOutput.PartPath(split, 5)), "four parts");
        return split;
    }

    [Theory]
    [InlineData(".001", "missing")]
    [InlineData(".001", "short")]
    [InlineData(".001", "damaged")]
    [InlineData(".sha256", "missing")]
    [InlineData(".sha256", "short")]
    [InlineData(".sha256", "damaged")]
    public async Task Verify_names_the_part_that_is_missing_short_or_damaged(string given, string fault)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var split = await SplitAsync(temp, ct);
        var part = SplitOutput.PartPath(split, 2);
        var bytes = File.ReadAllBytes(part);
        switch (fault)
        {
            case "missing": File.Delete(part); break;
            case "short": File.WriteAllBytes(part, bytes[..^1000]); break;
            default:
                bytes[777_777] ^= 0x01;
                File.WriteAllBytes(part, bytes);
                break;
        }

        var result = await CliRunner.RunAsync(["verify", split + given], cancellationToken: ct);

        Assert.Equal(6, result.ExitCode);
        var expected = fault switch
        {
            "missing" => $"error: {part}: missing (part 2 of 4)",
            "short" => $"error: {part}: short ({1024 * 1024 - 1000} bytes; the parts before the last have {1024 * 1024})",
            _ => $"error: {part}: damaged: its sha256 is",
        };
        Assert.Contains(expected, result.Error);
        foreach (var other in new[] { 1, 3, 4 }) Assert.DoesNotContain($"{SplitOutput.PartPath(split, other)}:", result.Error);
        Assert.Contains("verify failed", result.Error);
    }

    [Fact]
    public async Task A_damaged_part_stops_a_push_before_its_first_request_and_a_copy_into_an_archive_names_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var split = await SplitAsync(temp, ct);
        var part = SplitOutput.PartPath(split, 2);
        var bytes = File.ReadAllBytes(part);
        bytes[500_000] ^= 0x10;
        File.WriteAllBytes(part, bytes);
        await using var target = await FakeRegistry.StartAsync(cancellationToken: ct);

        var pushed = await CliRunner.RunAsync(["push", split + ".001", $"{target.Authority}/x/y:1", "--cache-dir", temp.Combine("cache")], cancellationToken: ct);
        Assert.Equal(6, pushed.ExitCode);
        Assert.Contains($"{split}:blobs/sha256/", pushed.Error);
        Assert.Empty(target.Requests);

        var output = temp.Combine("out.oci.tar");
        var copied = await CliRunner.RunAsync(["copy", split + ".sha256", $"oci-archive:{output}", "--cache-dir", temp.Combine("cache")], cancellationToken: ct);
        Assert.Equal(6, copied.ExitCode);
        Assert.Contains($"{part}: damaged: its sha256 is", copied.Error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_run_that_fails_while_writing_parts_leaves_none_and_keeps_an_earlier_set_as_it_was()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        var image = Image();
        registry.Push(Repository, "1.0", image);
        using var temp = new TempFolder();
        var layout = temp.Combine("layout");
        var made = await CliRunner.RunAsync([registry.Reference(Repository, "1.0"), "-f", "oci", "-o", layout, "--no-cache"], cancellationToken: ct);
        Assert.True(made.ExitCode == 0, made.Error);
        var media = Directory.CreateDirectory(temp.Combine("usb")).FullName;
        var split = Path.Combine(media, "app.tar");

        var first = await CliRunner.RunAsync(["copy", $"oci:{layout}", $"docker-archive:{split}", "--split", "1M"], cancellationToken: ct);
        Assert.True(first.ExitCode == 0, first.Error);
        var before = Directory.GetFiles(media).Order(StringComparer.Ordinal).ToDictionary(f => f, File.ReadAllBytes);
        Assert.Equal(5, before.Count);

        // the second layer, written after the first part is full, is cut short in the source: the writer fails on it
        var second = Path.Combine(layout, "blobs", "sha256", image.Layers[1].Digest.Encoded);
        File.WriteAllBytes(second, File.ReadAllBytes(second)[..(1024 * 1024)]);
        var failed = await CliRunner.RunAsync(["copy", $"oci:{layout}", $"docker-archive:{split}", "--split", "1M"], cancellationToken: ct);

        Assert.NotEqual(0, failed.ExitCode);
        Assert.True(failed.Error.Contains(image.Layers[1].Digest.Encoded, StringComparison.Ordinal), failed.Error);
        Assert.DoesNotContain("   at ", failed.Error);
        var after = Directory.GetFiles(media).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(before.Keys, after);
        foreach (var (file, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(file));
        Assert.Empty(Directory.GetFiles(media, ".*"));
        var verified = await CliRunner.RunAsync(["verify", split + ".sha256"], cancellationToken: ct);
        Assert.True(verified.ExitCode == 0, verified.Error);
    }
}
