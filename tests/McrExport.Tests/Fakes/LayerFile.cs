using System.Text;

namespace McrExport.Tests.Fakes;

/// <summary>A regular file to put in a test layer.</summary>
public sealed record LayerFile(string Path, byte[] Content)
{
    public static LayerFile Text(string path, string content) => new(path, Encoding.UTF8.GetBytes(content));

    public static implicit operator LayerFile((string Path, string Content) file) => Text(file.Path, file.Content);
}
