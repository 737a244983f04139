namespace McrExport.Tests.Fakes;

/// <summary>One windows/amd64 entry of the Windows-like manifest list: its image, foreign base layer and fwlink.</summary>
public sealed record WindowsImageEntry(string OsVersion, int LinkId, Uri LinkUri, TestImage Image)
{
    /// <summary>The foreign base layer (not in the registry; fetched via <see cref="LinkUri"/>).</summary>
    public Layer ForeignLayer => Image.Layers[0];

    /// <summary>The ordinary layer served by the registry.</summary>
    public Layer RegistryLayer => Image.Layers[1];
}
