using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Cli;

/// <summary>Reads <c>--from-file</c>: one reference per line; blank lines and <c>#</c> comments are skipped.</summary>
public static class ReferenceFile
{
    public static IReadOnlyList<ImageReference> Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read --from-file '{path}': {e.Message}");
        }
        var result = new List<ImageReference>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            if (line.Length == 0) continue;
            try
            {
                result.Add(ImageReference.Parse(line));
            }
            catch (InvalidReferenceException e)
            {
                throw new UsageException($"{path}:{i + 1}: {e.Message}");
            }
        }
        return result;
    }
}
