using System.Text;

namespace McrExport.TestSupport;

/// <summary>What a finished process left behind: its exit code and everything it printed.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string StdOut, string StdErr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>A readable account for an assertion message: the command, its exit code and its output.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"$ {CommandLine}");
        text.AppendLine($"exit code {ExitCode}");
        if (StdOut.Length > 0) text.AppendLine("--- stdout ---").AppendLine(Trim(StdOut));
        if (StdErr.Length > 0) text.AppendLine("--- stderr ---").AppendLine(Trim(StdErr));
        return text.ToString();
    }

    /// <summary>Throws with <see cref="Describe"/> unless the process exited with 0.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (!Succeeded) throw new PeerCommandException(Describe());
        return this;
    }

    private static string Trim(string text) => text.Length <= 8000 ? text : text[..4000] + "\n…\n" + text[^4000..];
}

/// <summary>A peer command failed; the message holds the command line and its output.</summary>
public sealed class PeerCommandException(string message) : Exception(message);
