using Xunit;

namespace McrExport.TestSupport;

/// <summary>
/// Whether a missing peer skips a test or fails it. Peers are mandatory unless
/// <c>MCR_EXPORT_PEERS_OPTIONAL=1</c>; on an OS other than Linux every peer test skips.
/// </summary>
public static class PeerRequirement
{
    public const string OptionalVariable = "MCR_EXPORT_PEERS_OPTIONAL";

    public static bool PeersOptional => Environment.GetEnvironmentVariable(OptionalVariable) == "1";

    /// <summary>Skips the test on an OS that cannot host the Linux peers.</summary>
    public static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Skip($"peer tests run on Linux only (this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription})");
    }

    /// <summary>The absolute path of a peer's program, or a skip or failure naming what is missing.</summary>
    public static string RequireProgram(string peer, params string[] candidates)
    {
        RequireLinux();
        foreach (var candidate in candidates)
        {
            var found = Find(candidate);
            if (found is not null) return found;
        }
        Missing(peer, $"none of {string.Join(", ", candidates)} was found (tests/install-peers.sh installs it)");
        return "";
    }

    /// <summary>With peers optional, skips a test whose peer runs only as root when this is not root.</summary>
    public static void SkipUnlessRoot(string peer)
    {
        if (PeersOptional && Environment.UserName != "root") Assert.Skip($"{peer} needs root");
    }

    /// <summary>Skips (peers optional) or fails (peers mandatory) because <paramref name="peer"/> cannot be used.</summary>
    public static void Missing(string peer, string reason)
    {
        var (skip, message) = Decide(peer, reason, PeersOptional);
        if (skip) Assert.Skip(message);
        Assert.Fail(message);
    }

    /// <summary>Whether a missing peer skips (peers optional) or fails the test, and the message that says so.</summary>
    public static (bool Skip, string Message) Decide(string peer, string reason, bool optional)
    {
        var message = $"{peer} is not installed: {reason}";
        return optional ? (true, message) : (false, $"{message}. Set {OptionalVariable}=1 to skip peer tests instead.");
    }

    public static string? Find(string program)
    {
        if (Path.IsPathRooted(program)) return File.Exists(program) ? program : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator).Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            if (folder.Length == 0) continue;
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
