using McrExport.Content;
using McrExport.Model;
using McrExport.Tests.Support;

namespace McrExport.Tests.Output;

/// <summary>A temp folder with a blob store holding the standard test images, and an output folder beside it.</summary>
public sealed class WriterFixture : IDisposable
{
    private readonly TempFolder _temp = new();

    public WriterFixture()
    {
        Store = new BlobStore(_temp.Combine("store"));
        Images = new SampleImages(Store);
        Set = Images.Standard();
        Directory.CreateDirectory(OutputFolder);
    }

    public BlobStore Store { get; }
    public SampleImages Images { get; }
    public StandardSet Set { get; }
    public string OutputFolder => _temp.Combine("out");
    public string Temp(string name) => _temp.Combine(name);

    /// <summary>Every blob path a layout of the standard set must hold, each once.</summary>
    public IReadOnlyList<string> ExpectedBlobPaths() => Set.All
        .SelectMany(i => new[] { i.ManifestDescriptor.Digest, i.Image!.Manifest.Config.Digest }.Concat(i.Image!.Manifest.Layers.Select(l => l.Digest)))
        .Distinct().Select(d => $"blobs/{d.Algorithm}/{d.Encoded}").Order(StringComparer.Ordinal).ToList();

    /// <summary>Files under a folder, relative, forward slashes, sorted.</summary>
    public static List<string> FilesUnder(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

    public static Digest NameOf(string blobPath)
    {
        var parts = blobPath.Split('/');
        return Digest.Parse($"{parts[^2]}:{parts[^1]}");
    }

    public void Dispose() => _temp.Dispose();
}
