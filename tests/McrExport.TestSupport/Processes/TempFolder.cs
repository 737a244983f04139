namespace McrExport.TestSupport;

/// <summary>A fresh folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>A folder under the system temp folder's <c>mcr-export-tests</c>.</summary>
    public TempFolder()
    {
        Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mcr-export-tests", Guid.NewGuid().ToString("N"))).FullName;
    }

    /// <summary>A folder directly under /tmp with a short name, which keeps unix sockets under their length limit.</summary>
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
