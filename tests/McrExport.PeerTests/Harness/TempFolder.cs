namespace McrExport.PeerTests.Harness;

/// <summary>A fresh folder under /tmp, deleted on dispose. Short paths keep unix sockets under their length limit.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix)
    {
        var root = OperatingSystem.IsLinux() ? "/tmp" : System.IO.Path.GetTempPath();
        Path = Directory.CreateDirectory(System.IO.Path.Combine(root, $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 8)])).FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose() => DeleteTree(Path);

    /// <summary>Deletes a tree, tolerating what cannot be deleted.</summary>
    public static void DeleteTree(string path)
    {
        if (!Directory.Exists(path)) return;
        try { Directory.Delete(path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
