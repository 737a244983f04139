using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>A missing peer skips the test only when peers are declared optional; otherwise it fails it.</summary>
public sealed class PeerRequirementTests
{
    [Fact]
    public void A_missing_peer_fails_when_peers_are_mandatory()
    {
        var (skip, message) = PeerRequirement.Decide("frobd", "not on PATH", optional: false);
        Assert.False(skip);
        Assert.StartsWith("frobd is not installed: not on PATH", message);
        Assert.Contains(PeerRequirement.OptionalVariable + "=1", message);
    }

    [Fact]
    public void A_missing_peer_skips_when_peers_are_optional()
    {
        var (skip, message) = PeerRequirement.Decide("frobd", "not on PATH", optional: true);
        Assert.True(skip);
        Assert.Equal("frobd is not installed: not on PATH", message);
    }

    [Fact]
    public void Finds_programs_by_absolute_path_or_on_the_path()
    {
        Assert.Null(PeerRequirement.Find("/nonexistent/frobd"));
        Assert.Null(PeerRequirement.Find("frobd-that-does-not-exist"));
        if (OperatingSystem.IsLinux()) Assert.NotNull(PeerRequirement.Find("sh"));
    }
}
