namespace McrExport.Fuzz;

/// <summary>
/// Runs a target on saved inputs (a corpus, or the crashes afl-fuzz found), each with a time bound; prints each
/// finding on one line (the exception and the frame of this project it left from) and the full trace with --verbose.
/// </summary>
public static class Replay
{
    public static int Run(Action<byte[]> target, IReadOnlyList<string> arguments)
    {
        var verbose = arguments.Contains("--verbose");
        var files = arguments.Where(a => a != "--verbose")
            .SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal)) : [p])
            .Order(StringComparer.Ordinal).ToList();
        var findings = 0;
        foreach (var file in files)
        {
            var data = File.ReadAllBytes(file);
            var run = Task.Run(() => target(data));
            try
            {
                if (run.Wait(TimeSpan.FromSeconds(10))) continue;
                Console.Error.WriteLine($"{Path.GetFileName(file)}: still running after 10 s");
                findings++;
            }
            catch (AggregateException e) when (e.InnerException is { } inner)
            {
                findings++;
                Console.Error.WriteLine(verbose ? $"{file}: {inner}" : $"{Path.GetFileName(file)}: {Describe(inner)}");
            }
        }
        Console.WriteLine($"{files.Count} inputs, {findings} findings");
        return findings == 0 ? 0 : 1;
    }

    /// <summary>The exception's type and first line, and the first frame in the project's code (not the harness).</summary>
    private static string Describe(Exception e)
    {
        var message = e.Message.Split('\n')[0];
        var frame = (e.StackTrace ?? "").Split('\n').Select(l => l.Trim())
            .FirstOrDefault(l => l.StartsWith("at McrExport.", StringComparison.Ordinal) && !l.StartsWith("at McrExport.Fuzz.", StringComparison.Ordinal));
        return $"{e.GetType().Name}: {message} | {frame?.Split(" in ")[0] ?? "(no frame of the project)"}";
    }
}
