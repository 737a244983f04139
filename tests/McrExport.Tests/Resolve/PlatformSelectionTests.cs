using McrExport.Errors;
using McrExport.Model;
using McrExport.Resolve;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Resolve;

/// <summary>Platform selection on real manifest lists and indexes (testdata/real).</summary>
public sealed class PlatformSelectionTests
{
    private static readonly Platform LinuxAmd64 = new("linux", "amd64");

    private static ImageIndex Index(string file) => (ImageIndex)ManifestParser.Parse(RealDocuments.Bytes(file), null);

    [Fact]
    public void Os_version_picks_the_ltsc2019_build_from_the_mcr_list()
    {
        var chosen = PlatformSelector.Select(Index(RealDocuments.McrManifestList), new PlatformRequest(OsVersion: "10.0.17763"), LinuxAmd64);

        Assert.Equal("10.0.17763.2458", chosen.Platform!.OsVersion);
        Assert.StartsWith("sha256:7ef94f677d6a5", chosen.Digest.ToString());
    }

    [Fact]
    public void Full_os_version_and_windows_platform_pick_the_same_entry()
    {
        var request = new PlatformRequest(Platform.Parse("windows/amd64"), "10.0.20348.473");

        var chosen = PlatformSelector.Select(Index(RealDocuments.McrManifestList), request, LinuxAmd64);

        Assert.Equal(Digest.Compute(RealDocuments.Bytes(RealDocuments.McrWindowsManifest)), chosen.Digest);
    }

    [Fact]
    public void Several_windows_builds_without_os_version_is_an_error_listing_them_all()
    {
        var e = Assert.Throws<PlatformNotFoundException>(() =>
            PlatformSelector.Select(Index(RealDocuments.McrManifestList), PlatformRequest.Any, LinuxAmd64));

        foreach (var version in new[] { "10.0.14393.4889", "10.0.17763.2458", "10.0.19042.1469", "10.0.20348.473" })
            Assert.Contains(version, e.Message);
        Assert.Contains("--os-version", e.Hint);
        Assert.Equal(ExitCodes.NotFound, e.ExitCode);
    }

    [Fact]
    public void An_os_version_the_list_lacks_is_an_error_listing_what_it_has()
    {
        var e = Assert.Throws<PlatformNotFoundException>(() =>
            PlatformSelector.Select(Index(RealDocuments.McrManifestList), new PlatformRequest(OsVersion: "10.0.26100"), LinuxAmd64));

        Assert.Contains("10.0.26100", e.Message);
        Assert.Contains("10.0.17763.2458", e.Message);
    }

    [Fact]
    public void Python_on_a_linux_amd64_host_picks_linux_amd64()
    {
        var chosen = PlatformSelector.Select(Index(RealDocuments.PythonList), PlatformRequest.Any, LinuxAmd64);

        Assert.Equal(LinuxAmd64, chosen.Platform);
        Assert.StartsWith("sha256:ec43d739179d1", chosen.Digest.ToString());
    }

    [Fact]
    public void Python_windows_needs_an_os_version_and_then_picks_it()
    {
        var index = Index(RealDocuments.PythonList);
        var windows = Platform.Parse("windows/amd64");

        var e = Assert.Throws<PlatformNotFoundException>(() => PlatformSelector.Select(index, new PlatformRequest(windows), LinuxAmd64));
        Assert.Contains("10.0.20348.707", e.Message);
        Assert.Contains("10.0.17763.2928", e.Message);

        var chosen = PlatformSelector.Select(index, new PlatformRequest(windows, "10.0.17763"), LinuxAmd64);
        Assert.StartsWith("sha256:28a844614587f", chosen.Digest.ToString());
    }

    [Fact]
    public void Python_arm_variants_are_told_apart()
    {
        var chosen = PlatformSelector.Select(Index(RealDocuments.PythonList), new PlatformRequest(Platform.Parse("linux/arm/v7")), LinuxAmd64);

        Assert.Equal("v7", chosen.Platform!.Variant);
    }

    [Fact]
    public void Hello_world_on_linux_amd64_picks_the_child_document()
    {
        var chosen = PlatformSelector.Select(Index(RealDocuments.HelloWorldList), PlatformRequest.Any, LinuxAmd64);

        Assert.Equal(Digest.Compute(RealDocuments.Bytes(RealDocuments.HelloWorldLinuxAmd64)), chosen.Digest);
    }

    [Fact]
    public void Hello_world_on_an_unlisted_host_lists_every_platform()
    {
        var e = Assert.Throws<PlatformNotFoundException>(() =>
            PlatformSelector.Select(Index(RealDocuments.HelloWorldList), PlatformRequest.Any, new Platform("darwin", "arm64")));

        Assert.Contains("linux/riscv64", e.Message);
        Assert.Contains("windows/amd64 (10.0.17763.2565)", e.Message);
    }

    [Fact]
    public void Postgres_arm64_v8_is_chosen_with_the_platform_option()
    {
        var chosen = PlatformSelector.Select(Index(RealDocuments.PostgresIndex), new PlatformRequest(Platform.Parse("linux/arm64/v8")), LinuxAmd64);

        Assert.StartsWith("sha256:86fa57b44a1d3", chosen.Digest.ToString());
        Assert.StartsWith("sha256:86fa57b44a1d3",
            PlatformSelector.Select(Index(RealDocuments.PostgresIndex), new PlatformRequest(Platform.Parse("linux/arm64")), LinuxAmd64).Digest.ToString());
    }

    [Fact]
    public void Postgres_attestations_are_never_chosen()
    {
        var index = Index(RealDocuments.PostgresIndex);
        var attestations = index.Manifests.Where(m => m.Platform!.Os == "unknown").Select(m => m.Digest).ToHashSet();

        Assert.DoesNotContain(PlatformSelector.Select(index, PlatformRequest.Any, LinuxAmd64).Digest, attestations);
        Assert.Throws<PlatformNotFoundException>(() =>
            PlatformSelector.Select(index, new PlatformRequest(new Platform("unknown", "unknown")), LinuxAmd64));
        var e = Assert.Throws<PlatformNotFoundException>(() =>
            PlatformSelector.Select(index, PlatformRequest.Any, new Platform("unknown", "unknown")));
        Assert.DoesNotContain("unknown/unknown", e.Message);
    }
}
