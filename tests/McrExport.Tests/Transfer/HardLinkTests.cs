using System.Diagnostics;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>The OCI folder output hard-links cached blobs when it can, and copies with --no-cache.</summary>
public sealed class HardLinkTests
{
    private static readonly Layer Layer = Layer.Random(512 * 1024, 5001);

    [Fact]
    public async Task Oci_folder_hard_links_cached_blobs_on_the_same_file_system()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Layer);
        var folder = bench.Temp.Combine("layout");

        var result = await CliRunner.RunAsync([bench.Reference, "-f", "oci", "-o", folder, "--cache-dir", bench.Cache], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var blob = Path.Combine(folder, "blobs", "sha256", Layer.Digest.Encoded);
        Assert.Equal(Layer.Bytes, await File.ReadAllBytesAsync(blob, ct));
        Assert.Equal(2, await LinkCountAsync(blob, ct));
    }

    [Fact]
    public async Task Oci_folder_copies_blobs_with_no_cache()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bench = await ExportBench.StartAsync(ct, Layer);
        var folder = bench.Temp.Combine("layout");

        var result = await CliRunner.RunAsync([bench.Reference, "-f", "oci", "-o", folder, "--no-cache"], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        var blob = Path.Combine(folder, "blobs", "sha256", Layer.Digest.Encoded);
        Assert.Equal(Layer.Bytes, await File.ReadAllBytesAsync(blob, ct));
        Assert.Equal(1, await LinkCountAsync(blob, ct));
        Assert.Equal(["layout"], Directory.GetFileSystemEntries(bench.Temp.Path).Select(Path.GetFileName));
    }

    private static async Task<int> LinkCountAsync(string path, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("link counts are read with GNU stat");
        var info = new ProcessStartInfo("stat", ["-c", "%h", path]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var stat = Process.Start(info)!;
        var text = await stat.StandardOutput.ReadToEndAsync(ct);
        await stat.WaitForExitAsync(ct);
        return int.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
