namespace McrExport.Tests.Support;

/// <summary>The real registry documents under <c>testdata/real/</c>, read byte for byte.</summary>
public static class RealDocuments
{
    public const string McrWindowsManifest = "dotnet-framework-runtime-4.8-ltsc2022-amd64.mcr.schema2.json";
    public const string McrWindowsConfig = "dotnet-framework-runtime-4.8-ltsc2022-amd64.mcr.config.json";
    public const string McrManifestList = "dotnet-framework-runtime-4.8.mcr.manifest-list.json";
    public const string FwlinkManifest = "windowsservercore-10.0.14393.1770-dockerhub.schema2.fwlink.json";
    public const string PythonList = "python-latest.dockerhub.manifest-list.json";
    public const string HelloWorldList = "hello-world-latest-2022.dockerhub.manifest-list.json";
    public const string HelloWorldLinuxAmd64 = "hello-world-latest-2022-linux-amd64.dockerhub.schema2.json";
    public const string PostgresIndex = "postgres-17.11.dockerhub.oci-index.attestations.json";
    public const string Schema1Of2015 = "hello-world-latest-2015.dockerhub.schema1-signed.json";
    public const string Schema1Of2022 = "hello-world-latest-2022.dockerhub.schema1-signed.json";

    private static readonly Lazy<string> Folder = new(FindFolder);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder.Value, name));

    public static string SourcesText() => File.ReadAllText(Path.Combine(Folder.Value, "SOURCES.md"));

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "testdata", "real");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"testdata/real not found above {AppContext.BaseDirectory}");
    }
}
