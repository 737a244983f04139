using System.Diagnostics;
using McrExport.Content;
using McrExport.Model;
using McrExport.Output;
using McrExport.Planning;
using McrExport.Registry;
using McrExport.Registry.Referrers;
using McrExport.Resolve;
using McrExport.Transfer;

namespace McrExport;

/// <summary>
/// The export, top-down: resolve every reference (manifest, platform, config) → plan the blobs and their sources →
/// transfer them into the blob store (parallel, resumable, verified) → write the output from the store.
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

        var referrers = request.Referrers ? await DiscoverReferrersAsync(resolved, indexes, request, cancellationToken).ConfigureAwait(false) : [];
        var plan = ExportPlan.Create(resolved);
        if (referrers.Count > 0) plan = plan with { Blobs = WithReferrerBlobs(plan.Blobs, referrers) };

        using var storeScope = StoreScope.Open(request);
        var store = storeScope.Store;
        foreach (var warning in FreeSpace.Check(plan, store, request.OutputPath, storeIsTemporary: request.NoCache))
            Warning?.Invoke(warning);
        foreach (var image in plan.Images)
            await store.PutAsync(image.Manifest.Config, image.ConfigBytes, cancellationToken).ConfigureAwait(false);
        var summary = await new BlobTransfer(store, registries.Transport, request.Transfer, observer)
            .RunAsync(plan.Blobs, cancellationToken).ConfigureAwait(false);

        var images = SingleImages(plan, indexes, request);
        var writer = ImageWriters.Create(request.Format, new WriterOptions(request.OutputPath)
        {
            StandardOutput = request.StandardOutput,
            UncompressedLayers = request.UncompressedLayers,
            TempDirectory = storeScope.TempDirectory,
            HardLinks = !request.NoCache,
            Indexes = indexes,
            SplitSize = request.SplitSize,
            Referrers = referrers.Select(r => r.Referrer).ToList(),
        });
        await writer.WriteAsync(images, store, cancellationToken).ConfigureAwait(false);

        var parts = request.SplitSize is null ? [] : Archive.PartSet.Open(Path.GetFullPath(request.OutputPath)).Parts.Select(p => p.Path).ToList();
        return new ExportResult([.. images, .. indexes.SelectMany(i => i.Images)], summary, request.OutputPath,
            parts.Count > 0 ? parts.Sum(p => new FileInfo(p).Length) : OutputSize(request.OutputPath), clock.Elapsed)
        {
            Referrers = referrers.Select(r => r.Referrer).ToList(),
            Parts = parts.Count > 0 ? [.. parts, Output.Split.SplitOutput.ChecksumPath(Path.GetFullPath(request.OutputPath))] : [],
        };
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

    /// <summary>
    /// The referrers of every image (and of every whole index) in the image's own repository, each once, with the
    /// client that fetches its blobs.
    /// </summary>
    private async Task<List<(Referrer Referrer, RegistryClient Client, string Repository)>> DiscoverReferrersAsync(
        IReadOnlyList<(ExportImage Image, RegistryClient Client)> images, IReadOnlyList<ExportIndex> indexes, ExportRequest request,
        CancellationToken cancellationToken)
    {
        var clients = new Dictionary<RegistryClient, ReferrersClient>();
        var subjects = indexes.Select(i => (i.Reference, i.IndexDescriptor.Digest))
            .Concat(images.Select(i => (i.Image.Reference, i.Image.ManifestDescriptor.Digest)))
            .DistinctBy(s => (s.Reference.Registry, s.Reference.Repository, s.Digest));
        var found = new List<(Referrer, RegistryClient, string)>();
        var seen = new HashSet<Digest>();
        foreach (var (reference, digest) in subjects)
        {
            var client = registries.For(reference);
            if (!clients.TryGetValue(client, out var referrersClient)) clients[client] = referrersClient = new ReferrersClient(client);
            var discovery = new ReferrerDiscovery(referrersClient, warn: message => Warning?.Invoke(message));
            foreach (var referrer in await discovery.DiscoverAsync(reference.Repository, digest, request.ReferrersArtifactType, cancellationToken).ConfigureAwait(false))
                if (seen.Add(referrer.Descriptor.Digest)) found.Add((referrer, client, reference.Repository));
        }
        return found;
    }

    /// <summary>The plan's blobs and the referrers' configs and layers, each once, from the referrer's repository.</summary>
    private static List<PlannedBlob> WithReferrerBlobs(IReadOnlyList<PlannedBlob> blobs,
        IEnumerable<(Referrer Referrer, RegistryClient Client, string Repository)> referrers)
    {
        var all = blobs.ToList();
        var seen = blobs.Select(b => b.Descriptor.Digest).ToHashSet();
        foreach (var (referrer, client, repository) in referrers)
        foreach (var blob in referrer.Blobs)
            if (seen.Add(blob.Digest)) all.Add(new PlannedBlob(blob, [new RegistryBlobSource(client, repository)]));
        return all;
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
