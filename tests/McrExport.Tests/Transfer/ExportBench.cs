using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>
/// A fake registry holding one image over given layers, a temporary folder with a cache, and the command line that
/// exports the image into it. Disposing stops the registry and removes the folder.
/// </summary>
internal sealed class ExportBench : IAsyncDisposable
{
    public const string Repository = "test/big";

    private ExportBench(FakeRegistry registry, TestImage image)
    {
        Registry = registry;
        Image = image;
    }

    public FakeRegistry Registry { get; }

    public TestImage Image { get; }

    public TempFolder Temp { get; } = new();

    public string Cache => Temp.Combine("cache");

    public string Output => Temp.Combine("out.tar");

    public string Reference => Registry.Reference(Repository, "latest");

    public static async Task<ExportBench> StartAsync(CancellationToken cancellationToken, params Layer[] layers)
    {
        var registry = await FakeRegistry.StartAsync(cancellationToken: cancellationToken);
        var image = TestImages.Image(new Platform("linux", "amd64"), layers);
        registry.Push(Repository, "latest", image);
        return new ExportBench(registry, image);
    }

    /// <summary>Exports the image to <see cref="Output"/> with the cache in <see cref="Cache"/>.</summary>
    public Task<CliRunner.Result> ExportAsync(CancellationToken cancellationToken, params string[] extra) =>
        CliRunner.RunAsync([Reference, "-o", Output, "--cache-dir", Cache, .. extra], cancellationToken: cancellationToken);

    public string BlobPath(Digest digest) => $"/v2/{Repository}/blobs/{digest}";

    /// <summary>The registry's GETs of one blob, in the order they arrived.</summary>
    public IReadOnlyList<RecordedRequest> BlobGets(Digest digest) =>
        Registry.Requests.Where(r => r.Method == "GET" && r.Path == BlobPath(digest)).OrderBy(r => r.Received).ToList();

    /// <summary>Waits (up to 10 s) until the registry has logged <paramref name="count"/> GETs of a blob: an aborted
    /// answer is logged once the server notices the closed connection.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> BlobGetsAsync(Digest digest, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 1000 && BlobGets(digest).Count < count; i++) await Task.Delay(10, cancellationToken);
        return BlobGets(digest);
    }

    /// <summary>The bytes of a blob in the exported tar.</summary>
    public byte[] ExportedBlob(Digest digest) => TarContents.Read(Output).ToFiles()[$"blobs/sha256/{digest.Encoded}"];

    public string CachedBlobPath(Digest digest) => Path.Combine(Cache, "blobs", digest.Algorithm, digest.Encoded);

    public string PartialPath(Digest digest) => Path.Combine(Cache, "partial", digest.Algorithm, digest.Encoded);

    /// <summary>No partial download and no lock file is left in the cache.</summary>
    public void AssertNoPartials()
    {
        var partial = Path.Combine(Cache, "partial");
        if (Directory.Exists(partial)) Assert.Empty(Directory.GetFiles(partial, "*", SearchOption.AllDirectories));
    }

    /// <summary>The offset of a <c>Range: bytes=N-</c> header.</summary>
    public static long RangeStart(RecordedRequest request)
    {
        var range = request.Range;
        Assert.NotNull(range);
        Assert.Matches(@"^bytes=\d+-$", range);
        return long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Writes a measured number to the test's output.</summary>
    public static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        Temp.Dispose();
    }
}
