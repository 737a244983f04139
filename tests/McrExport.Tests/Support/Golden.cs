using Xunit;
using System.Text;

namespace McrExport.Tests.Support;

/// <summary>
/// Golden files in the style of Verify: <c>testdata/golden/&lt;name&gt;.verified.&lt;ext&gt;</c> holds the accepted
/// output. A mismatch (or a missing verified file) writes <c>&lt;name&gt;.received.&lt;ext&gt;</c> beside it and fails;
/// accept it by renaming it to <c>.verified.</c>. Line endings are normalised to <c>\n</c>.
/// </summary>
public static class Golden
{
    public static void Verify(string name, string actual, string extension = "json")
    {
        var folder = Path.Combine(RepositoryRoot(), "testdata", "golden");
        var verifiedPath = Path.Combine(folder, $"{name}.verified.{extension}");
        var receivedPath = Path.Combine(folder, $"{name}.received.{extension}");
        var received = Normalize(actual);

        if (File.Exists(verifiedPath))
        {
            var verified = Normalize(File.ReadAllText(verifiedPath));
            if (verified == received)
            {
                if (File.Exists(receivedPath)) File.Delete(receivedPath);
                return;
            }
            Directory.CreateDirectory(folder);
            File.WriteAllText(receivedPath, received);
            Assert.Fail($"{name}: the output differs from {verifiedPath}\n{Difference(verified, received)}\nreceived: {receivedPath}");
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(receivedPath, received);
        Assert.Fail($"{name}: there is no verified file yet; review {receivedPath} and rename it to {Path.GetFileName(verifiedPath)}");
    }

    public static void Verify(string name, ReadOnlySpan<byte> actual, string extension = "json") =>
        Verify(name, Encoding.UTF8.GetString(actual), extension);

    /// <summary>The folder holding McrExport.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "McrExport.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no McrExport.sln above {AppContext.BaseDirectory}");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static string Difference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var sb = new StringBuilder();
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : null;
            var a = i < actualLines.Length ? actualLines[i] : null;
            if (e == a) continue;
            var column = e is null || a is null ? 0 : Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(c => e[c] != a[c], Math.Min(e.Length, a.Length));
            sb.AppendLine($"line {i + 1}, column {column + 1}:");
            sb.AppendLine($"- {Around(e, column)}");
            sb.AppendLine($"+ {Around(a, column)}");
            if (sb.Length > 4000) break;
        }
        return sb.ToString();
    }

    private static string Around(string? line, int column)
    {
        if (line is null) return "(no line)";
        var start = Math.Max(0, column - 60);
        var end = Math.Min(line.Length, column + 60);
        return (start > 0 ? "…" : "") + line[start..end] + (end < line.Length ? "…" : "");
    }
}
