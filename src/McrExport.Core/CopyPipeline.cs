using McrExport.Archive;
using McrExport.Content;
using McrExport.Copy;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;
using McrExport.Planning;
using McrExport.Push;
using McrExport.Registry;
using McrExport.Registry.Referrers;
using McrExport.Resolve;
using McrExport.Transfer;

namespace McrExport;

/// <summary>
/// A copy, top-down: read the source into a set (a registry through the transfer into the blob store, an archive in
/// place) → pick what the destination takes (a platform, a named entry) → name it for the destination → write it
/// to the sink (a file format, or a registry).
/// </summary>
public sealed class CopyPipeline(RegistryClientPool registries, ITransferObserver? observer = null, Platform? host = null)
{
    public async Task<CopyResult> RunAsync(CopyRequest request, CancellationToken cancellationToken)
    {
        CheckSplit(request);
        var toDockerTar = request.Destination is ArchiveEndpoint { Format: OutputFormat.DockerTar };
        var cacheRoot = request.CacheDirectory ?? BlobStore.DefaultRoot();

        TransferSummary? transfer = null;
        ImageSet set;
        IBlobReader blobs;
        bool fromStore;
        switch (request.Source)
        {
            case RegistryEndpoint registry:
            {
                var store = new BlobStore(cacheRoot);
                (set, transfer) = await FromRegistryAsync(registry.Reference, request, store, toDockerTar, cancellationToken).ConfigureAwait(false);
                blobs = store;
                fromStore = true;
                break;
            }
            case ArchiveEndpoint archive:
            {
                // Into a registry every blob is hashed by the preflight below; into an archive nothing else reads the parts whole.
                var content = request.Destination is RegistryEndpoint
                    ? ArchiveSource.OpenChecked(archive.Path)
                    : await ArchiveSource.OpenCheckedAsync(archive.Path, cancellationToken).ConfigureAwait(false);
                set = WithReferrers(Select(content.Set, archive.Name, archive.Format == OutputFormat.DockerTar), content.Set, request);
                blobs = content.Blobs;
                fromStore = false;
                break;
            }
            default:
                throw new UsageException($"unsupported source {request.Source}");
        }
        var whole = set;
        set = PickPlatforms(set, request.Platform, toDockerTar || request.Platform != PlatformRequest.Any, host ?? Platform.Host());
        if (request.Referrers) set = WithReferrers(set, whole, request);

        switch (request.Destination)
        {
            case ArchiveEndpoint file:
            {
                set = Rename(set, file);
                if (!fromStore) await Verify.SynthesizedLayers.CheckAsync(set, blobs, cancellationToken).ConfigureAwait(false);
                var tempDirectory = Path.Combine(cacheRoot, "tmp");
                Directory.CreateDirectory(tempDirectory);
                var writer = ImageWriters.Create(file.Format ?? OutputFormat.DockerTar, new WriterOptions(file.Path)
                {
                    HardLinks = fromStore,
                    TempDirectory = tempDirectory,
                    SplitSize = request.SplitSize,
                });
                await writer.WriteAsync(set, blobs, cancellationToken).ConfigureAwait(false);
                return new CopyResult(set, transfer, null, []);
            }
            case RegistryEndpoint registry:
            {
                var (registryHost, targets) = PushTargets.Resolve(new ImageSet(ReferrerGraph.Subjects(set)), registry.Destination, request.All);
                var client = registries.For(new ImageReference(registryHost, "copy", "latest", null));
                var options = new PushOptions(request.ForeignLayers, request.ChunkSize, Log: request.Log, Uploads: UploadStateStore.InCache(cacheRoot),
                    Observer: request.PushObserver)
                {
                    Referrers = request.Referrers,
                };
                // From an archive: every blob is checked before the first request, so a damaged archive sends nothing.
                if (blobs is ArchiveBlobReader archived)
                    await ArchivePreflight.CheckAsync(archived, new ImageSet([.. targets.Select(t => t.Entry), .. ReferrersToPush(set, request)]),
                        request.ForeignLayers, cancellationToken).ConfigureAwait(false);
                var (prepared, staged) = await RegistryForm.PrepareAsync(new ImageSet(targets.Select(t => t.Entry).ToList()), blobs,
                    compress: !request.Uncompressed, Path.Combine(cacheRoot, "tmp"), request.Log, cancellationToken).ConfigureAwait(false);
                using (staged)
                {
                    targets = targets.Select((t, i) => t with { Entry = prepared.Entries[i] }).ToList();
                    var pushed = await new RegistrySink(staged, client, options).PushAsync(targets, set, cancellationToken).ConfigureAwait(false);
                    return new CopyResult(prepared, transfer, pushed, targets);
                }
            }
            default:
                throw new UsageException($"unsupported destination {request.Destination}");
        }
    }

    /// <summary>The registry source: resolve (one platform, or the whole index with --all), then transfer every blob into the store.</summary>
    private async Task<(ImageSet, TransferSummary)> FromRegistryAsync(ImageReference reference, CopyRequest request, BlobStore store, bool toDockerTar,
        CancellationToken cancellationToken)
    {
        var source = new RegistrySource(registries, host ?? Platform.Host());
        var entry = request.All && !toDockerTar && request.Platform == PlatformRequest.Any
            ? await source.ResolveWholeAsync(reference, cancellationToken).ConfigureAwait(false)
            : (await source.ResolveAsync(reference, request.Platform, cancellationToken).ConfigureAwait(false)).Image;
        var client = registries.For(reference);
        var planned = new List<(SetEntry, RegistryClient, string)> { (entry, client, reference.Repository) };
        if (request.Referrers)
            planned.AddRange(await new ReferrerSource(registries, warn: request.Log).DiscoverAsync([(entry, client)], request.ReferrersArtifactType, cancellationToken)
                .ConfigureAwait(false));
        var plan = ExportPlan.Create(planned);
        var summary = await ExportPipeline.FillStoreAsync(plan, store, registries, request.Transfer, observer, cancellationToken).ConfigureAwait(false);
        return (plan.Set, summary);
    }

    /// <summary>
    /// <c>--split</c> needs a tar destination written to a file: not a registry, an OCI layout folder or standard
    /// output. Refused before anything is read or asked of the network.
    /// </summary>
    public static void CheckSplit(CopyRequest request)
    {
        if (request.SplitSize is null) return;
        switch (request.Destination)
        {
            case RegistryEndpoint:
                throw new UsageException("--split cuts an archive into parts; the destination is a registry")
                { Hint = "give a docker-archive: or oci-archive: destination" };
            case ArchiveEndpoint { Path: WriterOptions.StandardOutputPath }:
                throw new UsageException("--split writes files (NAME.001, NAME.002, …); it cannot write to standard output (-)")
                { Hint = "give a file name, or pipe the output into split(1) yourself" };
            case ArchiveEndpoint { Format: OutputFormat.Oci or null }:
                throw new UsageException("--split needs a tar destination (docker-archive: or oci-archive:); an OCI layout is a folder");
        }
    }

    /// <summary>
    /// The subjects of <paramref name="chosen"/> and, with <c>--referrers</c>, the referrers <paramref name="source"/>
    /// holds for them (recursively); without it referrers are left behind, and the log says how many.
    /// </summary>
    internal static ImageSet WithReferrers(ImageSet chosen, ImageSet source, CopyRequest request)
    {
        var subjects = ReferrerGraph.Subjects(chosen);
        if (!request.Referrers)
        {
            var left = source.Entries.Count(ReferrerGraph.IsReferrer);
            if (left > 0) request.Log?.Invoke($"{left} referrer(s) (signatures, SBOMs) of the source not copied; add --referrers to carry them");
            return subjects.Count == chosen.Count ? chosen : new ImageSet(subjects);
        }
        var referrers = subjects.SelectMany(e => ReferrerGraph.ReferrersOf(source, e)).DistinctBy(e => e.Node.Digest)
            .Where(r => subjects.All(s => s.Node.Digest != r.Node.Digest));
        return new ImageSet([.. subjects, .. referrers]);
    }

    /// <summary>With <c>--referrers</c>, the referrers <paramref name="set"/> holds for its other entries (pushed after them); else none.</summary>
    private static IReadOnlyList<SetEntry> ReferrersToPush(ImageSet set, CopyRequest request) =>
        request.Referrers ? set.Entries.Where(ReferrerGraph.IsReferrer).ToList() : [];

    /// <summary>The entries a source reference names: <c>oci:PATH:TAG</c> by tag, <c>docker-archive:PATH:NAME:TAG</c> by name.</summary>
    internal static ImageSet Select(ImageSet set, string? name, bool isDockerName)
    {
        if (name is null) return set;
        // An OCI entry is asked for by its tag-only ref.name, or by its full name (podman writes ref.name so).
        var wanted = isDockerName || !ImageReference.IsValidTag(name) ? DockerArchiveReader.ParseRepoTag(name) : null;
        var chosen = set.Entries.Where(e => wanted is not null ? e.Reference == wanted : e.Tag == name).ToList();
        if (chosen.Count == 0)
            throw new NotFoundException($"no image named '{name}' in the source; it has {string.Join(", ", set.Entries.Select(e => e.DisplayName))}");
        return new ImageSet(chosen);
    }

    /// <summary>Indexes replaced by the image of one platform (for a docker archive, or when --platform is given).</summary>
    internal static ImageSet PickPlatforms(ImageSet set, PlatformRequest platform, bool pick, Platform host)
    {
        if (!pick) return set;
        var entries = new List<SetEntry>();
        foreach (var entry in set.Entries)
        {
            if (entry.Node is not IndexNode index)
            {
                if (entry.Node is Artifact) continue;
                entries.Add(entry);
                continue;
            }
            var images = index.Children.OfType<Image>().ToList();
            var choice = PlatformSelector.Select(new ImageIndex(index.Index.MediaType,
                images.Select(i => i.Descriptor with { Platform = i.Platform }).ToList()), platform, host);
            var image = images.First(i => i.Digest == choice.Digest);
            entries.Add(entry with { Node = image with { Descriptor = image.Descriptor with { Platform = image.Platform } } });
        }
        if (entries.Count == 0) throw new PlatformNotFoundException("the source holds no image (only artifacts)");
        return new ImageSet(entries);
    }

    /// <summary>The destination's name, when it gives one (<c>docker-archive:out.tar:app:1.0</c>, <c>oci:dir:1.0</c>), for its single entry.</summary>
    internal static ImageSet Rename(ImageSet set, ArchiveEndpoint destination)
    {
        if (destination.Name is not { } name) return set;
        var subjects = ReferrerGraph.Subjects(set);
        var referrers = set.Entries.Where(ReferrerGraph.IsReferrer).ToList();
        if (subjects.Count != 1)
            throw new UsageException($"the destination names one image ('{name}') but the source holds {subjects.Count}");
        var entry = subjects[0];
        if (destination.Format == OutputFormat.DockerTar)
        {
            var reference = DockerArchiveReader.ParseRepoTag(name) is { Tag: not null } r ? r
                : throw new UsageException($"'{name}' is not a name:tag for a docker archive");
            return new ImageSet([entry with { Reference = reference, RefName = null }, .. referrers]);
        }
        return new ImageSet([entry with { Reference = null, RefName = name }, .. referrers]);
    }
}
