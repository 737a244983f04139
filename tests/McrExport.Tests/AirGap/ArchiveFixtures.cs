using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.AirGap;

/// <summary>Archives exported from the fake registry, for verify and push tests.</summary>
public static class ArchiveFixtures
{
    public static readonly Layer Base = Layer.FromFiles(("Files/Windows/base.txt", "shared base layer\r\n"));

    public static TestImage Variant(string name, Layer? extra = null) =>
        TestImages.Image(new Platform("windows", "amd64", OsVersion: "10.0.17763.6532"),
            [Base, extra ?? Layer.FromFiles(($"Files/{name}.txt", $"{name}\r\n"))]);

    /// <summary>Exports <paramref name="references"/> with extra arguments; fails the test when export fails.</summary>
    public static async Task ExportAsync(TempFolder temp, string output, IEnumerable<string> references, CancellationToken ct, params string[] extra)
    {
        var result = await CliRunner.RunAsync([.. references, "-o", output, "--cache-dir", temp.Combine("cache"), .. extra], cancellationToken: ct);
        Assert.True(result.ExitCode == 0, result.Error);
    }

    public static string[] Insecure(params string[] hosts) => hosts.SelectMany(h => new[] { "--insecure-registry", h }).ToArray();
}
