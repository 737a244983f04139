using Xunit;

namespace McrExport.Tests.AirGap;

/// <summary>
/// Finds a peer program. A missing one fails the test, unless <c>MCR_EXPORT_PEERS_OPTIONAL=1</c>, which skips it
/// with the reason.
/// </summary>
public static class PeerBinary
{
    public static string Require(string name, params string[] candidates)
    {
        foreach (var candidate in candidates)
            if (File.Exists(candidate)) return candidate;
        var reason = $"{name} is not installed (looked for {string.Join(", ", candidates)})";
        if (Environment.GetEnvironmentVariable("MCR_EXPORT_PEERS_OPTIONAL") == "1") Assert.Skip(reason);
        Assert.Fail(reason + "; install it or set MCR_EXPORT_PEERS_OPTIONAL=1");
        return "";
    }
}
