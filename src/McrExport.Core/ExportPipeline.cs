using System.Diagnostics;
using McrExport.Content;
using McrExport.Model;
using McrExport.Output;
using McrExport.Planning;
using McrExport.Registry;
using McrExport.Resolve;
using McrExport.Transfer;

namespace McrExport;

/// <summary>
/// The export, top-down: resolve every reference (manifest, platform, config) → plan the blobs and their sources →
/// transfer them into the blob store (parallel, resumable, verified) → write the output from the store; a tar output
/// in the same pass as the transfer, each blob appended as soon as it is verified.
/// </summary>
public sealed class ExportPipeline(RegistryClientPool registries, ITransferObserver? observer = null, Platform? host = null)
{
    public event Action<ResolvedImage>? Resolved;

    /// <summary>Something the user should know before the transfer starts (for example too little free space).</summary>
    public event Action<string>? Warning;

    public async Task<ExportResult> RunAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();

        var (resolved, indexes) = await ResolveAsync(request, cancellationToken).ConfigureAwait(false);

        var plan = ExportPlan.Create(resolved);

        using var storeScope = StoreScope.Open(request);
        var store = storeScope.Store;
        foreach (var warning in FreeSpace.Check(plan, store, request.OutputPath, storeIsTemporary: request.NoCache))
            Warning?.Invoke(warning);
        foreach (var image in plan.Images)
            await store.PutAsync(image.Manifest.Config, image.ConfigBytes, cancellationToken).ConfigureAwait(false);
        var images = SingleImages(plan, indexes, request);
        var options = new WriterOptions(request.OutputPath)
        {
            StandardOutput = request.StandardOutput,
            UncompressedLayers = request.UncompressedLayers,
            TempDirectory = storeScope.TempDirectory,
            HardLinks = !request.NoCache,
            Indexes = indexes,
        };
        TransferSummary summary;
        if (options.CanWriteInOnePass(request.Format))
        {
            // One pass: the tar is written while the blobs arrive, each appended once it is verified in the store.
            var arrivals = new BlobArrivals();
            var writer = ImageWriters.Create(request.Format, options with { Arrivals = arrivals });
            var announcing = new ArrivalObserver(observer ?? NullTransferObserver.Instance, arrivals);
            summary = await OnePass.RunAsync(arrivals,
                ct => new BlobTransfer(store, registries.Transport, request.Transfer, announcing).RunAsync(plan.Blobs, ct),
                ct => writer.WriteAsync(images, store, ct), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            summary = await new BlobTransfer(store, registries.Transport, request.Transfer, observer)
                .RunAsync(plan.Blobs, cancellationToken).ConfigureAwait(false);
            await ImageWriters.Create(request.Format, options).WriteAsync(images, store, cancellationToken).ConfigureAwait(false);
        }

        return new ExportResult([.. images, .. indexes.SelectMany(i => i.Images)], summary, request.OutputPath,
            OutputSize(request.OutputPath), clock.Elapsed);
    }

    /// <summary>Resolves every reference: to one image, or (with --all-platforms) to a whole index and its images.</summary>
    private async Task<(List<(ExportImage Image, RegistryClient Client)> Images, List<ExportIndex> Indexes)> ResolveAsync(
        ExportRequest request, CancellationToken cancellationToken)
    {
        var resolver = new ImageResolver(registries, host ?? Platform.Host());
        var images = new List<(ExportImage Image, RegistryClient Client)>();
        var indexes = new List<ExportIndex>();
        foreach (var reference in request.References)
        {
            var client = registries.For(reference);
            if (request.AllPlatforms
                && await new IndexResolver(registries).ResolveAsync(reference, cancellationToken).ConfigureAwait(false) is { } whole)
            {
                indexes.Add(whole);
                foreach (var child in whole.Images)
                {
                    Resolved?.Invoke(new ResolvedImage(child, null, whole.IndexDescriptor.Digest, whole.IndexBytes));
                    images.Add((child, client));
                }
                continue;
            }
            var image = await resolver.ResolveAsync(reference, request.Platform, cancellationToken).ConfigureAwait(false);
            Resolved?.Invoke(image);
            images.Add((image.Image, client));
        }
        return (images, indexes);
    }

    /// <summary>The images written on their own (not as part of an index), converted to OCI media types when asked.</summary>
    private static IReadOnlyList<ExportImage> SingleImages(ExportPlan plan, IReadOnlyList<ExportIndex> indexes, ExportRequest request)
    {
        var children = indexes.SelectMany(i => i.Images).ToHashSet(ReferenceEqualityComparer.Instance);
        var singles = plan.Images.Where(i => !children.Contains(i)).ToList();
        return request.OciMediaTypes ? singles.Select(OciMediaTypeConverter.Convert).ToList() : singles;
    }

    private static long OutputSize(string path)
    {
        if (path == WriterOptions.StandardOutputPath) return 0;
        if (File.Exists(path)) return new FileInfo(path).Length;
        return Directory.Exists(path)
            ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;
    }

    /// <summary>The blob store of one run: the shared cache, or a temporary one that is removed at the end.</summary>
    private sealed class StoreScope : IDisposable
    {
        private readonly string? _ownedRoot;

        private StoreScope(BlobStore store, string? ownedRoot, string tempDirectory)
        {
            Store = store;
            _ownedRoot = ownedRoot;
            TempDirectory = tempDirectory;
        }

        public BlobStore Store { get; }

        public string TempDirectory { get; }

        public static StoreScope Open(ExportRequest request)
        {
            if (!request.NoCache)
            {
                var store = new BlobStore(request.CacheDirectory ?? BlobStore.DefaultRoot());
                var temp = Path.Combine(store.Root, "tmp");
                Directory.CreateDirectory(temp);
                return new StoreScope(store, null, temp);
            }
            var besideOutput = request.OutputPath == WriterOptions.StandardOutputPath
                ? Path.GetTempPath()
                : Path.GetDirectoryName(Path.GetFullPath(request.OutputPath))!;
            var root = Path.Combine(besideOutput, $".mcr-export-{Guid.NewGuid():N}.tmp");
            Directory.CreateDirectory(root);
            return new StoreScope(new BlobStore(root), root, Path.Combine(root, "tmp"));
        }

        public void Dispose()
        {
            if (_ownedRoot is null) return;
            try { Directory.Delete(_ownedRoot, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
