using System.Diagnostics;
using McrExport.Archive;
using McrExport.Content;
using McrExport.Model;
using McrExport.Output;
using McrExport.Planning;
using McrExport.Output.Split;
using McrExport.Registry;
using McrExport.Registry.Referrers;
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

        var resolved = await ResolveAsync(request, cancellationToken).ConfigureAwait(false);

        var planned = resolved.Select(r => (r.Entry, r.Client, r.Entry.Reference!.Repository)).ToList();
        if (request.Referrers)
            planned.AddRange(await new ReferrerSource(registries, warn: message => Warning?.Invoke(message))
                .DiscoverAsync(resolved, request.ReferrersArtifactType, cancellationToken).ConfigureAwait(false));
        var plan = ExportPlan.Create(planned);

        using var storeScope = StoreScope.Open(request);
        var store = storeScope.Store;
        foreach (var warning in FreeSpace.Check(plan, store, request.OutputPath, storeIsTemporary: request.NoCache))
            Warning?.Invoke(warning);
        var set = request.OciMediaTypes ? new ImageSet(plan.Set.Entries.Select(OciMediaTypeConverter.Convert).ToList()) : plan.Set;
        var options = new WriterOptions(request.OutputPath)
        {
            StandardOutput = request.StandardOutput,
            UncompressedLayers = request.UncompressedLayers,
            TempDirectory = storeScope.TempDirectory,
            HardLinks = !request.NoCache,
            SplitSize = request.SplitSize,
        };
        TransferSummary summary;
        if (options.CanWriteInOnePass(request.Format))
        {
            // One pass: the tar is written while the blobs arrive, each appended once it is verified in the store.
            var arrivals = new BlobArrivals();
            // Without a cache, a blob's temporary copy goes as soon as it is in the tar (most never reach the disk).
            var writer = ImageWriters.Create(request.Format, options with
            {
                Arrivals = arrivals,
                BlobWritten = request.NoCache ? store.Remove : null,
            });
            var announcing = new ArrivalObserver(observer ?? NullTransferObserver.Instance, arrivals);
            summary = await OnePass.RunAsync(arrivals,
                ct => FillStoreAsync(plan, store, registries, request.Transfer, announcing, ct),
                ct => writer.WriteAsync(set, store, ct), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            summary = await FillStoreAsync(plan, store, registries, request.Transfer, observer, cancellationToken).ConfigureAwait(false);
            await ImageWriters.Create(request.Format, options).WriteAsync(set, store, cancellationToken).ConfigureAwait(false);
        }

        var parts = request.SplitSize is null ? [] : PartSet.Open(Path.GetFullPath(request.OutputPath)).Parts.Select(p => p.Path).ToList();
        return new ExportResult(set, summary, request.OutputPath,
            parts.Count > 0 ? parts.Sum(p => new FileInfo(p).Length) : OutputSize(request.OutputPath), clock.Elapsed)
        {
            Parts = parts.Count > 0 ? [.. parts, SplitOutput.ChecksumPath(Path.GetFullPath(request.OutputPath))] : [],
        };
    }

    /// <summary>
    /// The transfer stage of a registry source: every image config (already fetched) and every planned blob into the
    /// store, verified. What a file or registry sink then reads.
    /// </summary>
    public static async Task<TransferSummary> FillStoreAsync(ExportPlan plan, BlobStore store, RegistryClientPool registries, TransferOptions options,
        ITransferObserver? observer, CancellationToken cancellationToken)
    {
        foreach (var image in plan.Set.Images)
            await store.PutAsync(image.Manifest.Config, image.ConfigBytes, cancellationToken).ConfigureAwait(false);
        return await new BlobTransfer(store, registries.Transport, options, observer).RunAsync(plan.Blobs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resolves every reference: to one image, or (with --all-platforms) to a whole index and its children.</summary>
    private async Task<List<(SetEntry Entry, RegistryClient Client)>> ResolveAsync(ExportRequest request, CancellationToken cancellationToken)
    {
        var source = new RegistrySource(registries, host ?? Platform.Host());
        var entries = new List<(SetEntry Entry, RegistryClient Client)>();
        foreach (var reference in request.References)
        {
            var client = registries.For(reference);
            if (request.AllPlatforms)
            {
                var whole = await source.ResolveWholeAsync(reference, cancellationToken).ConfigureAwait(false);
                if (whole.Node is IndexNode index)
                {
                    foreach (var child in index.Images)
                        Resolved?.Invoke(new ResolvedImage(new SetEntry(child, reference), index.Index, index.Digest, index.Bytes));
                    entries.Add((whole, client));
                    continue;
                }
            }
            var image = await source.ResolveAsync(reference, request.Platform, cancellationToken).ConfigureAwait(false);
            Resolved?.Invoke(image);
            entries.Add((image.Image, client));
        }
        return entries;
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
                Leftovers.CleanFolder(temp);
                return new StoreScope(store, null, temp);
            }
            var besideOutput = request.OutputPath == WriterOptions.StandardOutputPath
                ? Path.GetTempPath()
                : Path.GetDirectoryName(Path.GetFullPath(request.OutputPath))!;
            if (request.OutputPath != WriterOptions.StandardOutputPath) Leftovers.CleanBeside(request.OutputPath);
            var root = Path.Combine(besideOutput, $".mcr-export-{Leftovers.NewTag()}.tmp");
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
