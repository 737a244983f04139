using McrExport.Errors;
using McrExport.Model;
using McrExport.Resolve;
using Xunit;

namespace McrExport.Tests.Resolve;

/// <summary>On a Windows host with no --os-version, the entry of the host's build wins (as docker does).</summary>
public sealed class WindowsHostSelectionTests
{
    private static Descriptor Entry(string osVersion, char fill) =>
        new(MediaTypes.DockerManifest, Digest.Parse("sha256:" + new string(fill, 64)), 1000)
        {
            Platform = new Platform("windows", "amd64", OsVersion: osVersion),
        };

    private static readonly ImageIndex List = new(MediaTypes.DockerManifestList,
        [Entry("10.0.17763.5458", 'a'), Entry("10.0.17763.6532", 'b'), Entry("10.0.20348.2849", 'c')]);

    [Fact]
    public void A_windows_host_picks_its_own_build_newest_revision()
    {
        var chosen = PlatformSelector.Select(List, PlatformRequest.Any, new Platform("windows", "amd64", OsVersion: "10.0.17763.0"));

        Assert.Equal("10.0.17763.6532", chosen.Platform!.OsVersion);
    }

    [Fact]
    public void A_windows_host_of_another_build_gets_the_list_of_versions()
    {
        var error = Assert.Throws<PlatformNotFoundException>(() =>
            PlatformSelector.Select(List, PlatformRequest.Any, new Platform("windows", "amd64", OsVersion: "10.0.26100.0")));

        Assert.Contains("10.0.20348.2849", error.Message);
        Assert.Contains("--os-version", error.Hint);
    }

    [Fact]
    public void Os_version_wins_over_the_host_build()
    {
        var chosen = PlatformSelector.Select(List, new PlatformRequest(null, "10.0.20348"), new Platform("windows", "amd64", OsVersion: "10.0.17763.0"));

        Assert.Equal("10.0.20348.2849", chosen.Platform!.OsVersion);
    }
}
