using System.Collections.Concurrent;
using McrExport.Archive;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Registry;

namespace McrExport.Push;

/// <summary>
/// Pushes images of an archive into one registry: for each image its blobs (skip what the registry has, mount what
/// another repository of this push has, upload the rest), then the manifest with its original bytes and media type;
/// for an index, every child manifest by digest, then the index under the tag.
/// </summary>
public sealed class ArchivePusher(ImageArchive archive, RegistryClient client, PushOptions options)
{
    private readonly BlobUploader _uploader = new(client, options.ChunkSize, options.Uploads, options.Log);
    private readonly ConcurrentDictionary<(string Repository, Digest Digest), byte> _present = new();
    private readonly ConcurrentDictionary<Digest, string> _holder = new();
    private readonly ConcurrentQueue<BlobPushRecord> _records = new();

    /// <summary>Pushes the targets, then (with <see cref="PushOptions.Referrers"/>) their referrers from <paramref name="catalog"/>.</summary>
    public async Task<PushResult> PushAsync(IReadOnlyList<PushTarget> targets, ArchiveCatalog catalog, CancellationToken cancellationToken)
    {
        var result = await PushAsync(targets, cancellationToken).ConfigureAwait(false);
        if (!options.Referrers) return result;
        var pushed = new List<PushedReferrer>();
        var referrers = new ReferrerPusher(_uploader);
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            if (result.Images[i].Rewritten)
            {
                options.Log?.Invoke($"referrers of {target.Repository}:{target.Tag} not pushed: its manifest was rewritten, so they would refer to a digest the registry does not have");
                continue;
            }
            var subjects = target.Top.Images.Select(image => image.ManifestDescriptor.Digest).Prepend(target.Top.Entry.Digest).Distinct();
            foreach (var referrer in subjects.SelectMany(catalog.ReferrersOf).DistinctBy(r => r.Descriptor.Digest))
            {
                foreach (var blob in referrer.Blobs) await PushBlobAsync(target.Repository, blob, cancellationToken).ConfigureAwait(false);
                var recorded = await referrers.PutAsync(target.Repository, referrer, cancellationToken).ConfigureAwait(false);
                options.Log?.Invoke($"pushed {referrer.Kind} {referrer.Descriptor.Digest.Short} of {referrer.Subject.Short} to {target.Repository} " + recorded switch
                {
                    ReferrerPusher.Recorded.ByApi => "(referrers API)",
                    ReferrerPusher.Recorded.ByTagSchema => $"(listed in {Referrer.FallbackTag(referrer.Subject)[..19]}…)",
                    _ => $"(tag {referrer.Tag})",
                });
                pushed.Add(new PushedReferrer(target.Repository, referrer, recorded));
            }
        }
        return result with { Referrers = pushed };
    }

    public async Task<PushResult> PushAsync(IReadOnlyList<PushTarget> targets, CancellationToken cancellationToken)
    {
        var images = new List<PushedImage>();
        foreach (var target in targets)
        {
            var (digest, original) = target.Top.IsIndex
                ? await PushIndexAsync(target, cancellationToken).ConfigureAwait(false)
                : await PushImageAsync(target.Repository, target.Top.Images[0], target.Tag, cancellationToken).ConfigureAwait(false);
            var pushed = new PushedImage($"{client.Registry}/{target.Repository}:{target.Tag}", digest, original);
            options.Log?.Invoke($"pushed {pushed.Reference}@{digest}{(pushed.Rewritten ? $" (rewritten from {original})" : "")}");
            images.Add(pushed);
        }
        return new PushResult(images, _records.ToList());
    }

    private async Task<(Digest, Digest)> PushIndexAsync(PushTarget target, CancellationToken cancellationToken)
    {
        var replaced = new Dictionary<Digest, (Digest, long)>();
        foreach (var image in target.Top.Images)
        {
            var (digest, original) = await PushImageAsync(target.Repository, image, null, cancellationToken).ConfigureAwait(false);
            if (digest != original) replaced[original] = (digest, ManifestBytesFor(image).Length);
        }
        var bytes = ForeignLayerRewriter.RewriteIndex(target.Top.Bytes, replaced);
        var put = await _uploader.PutManifestAsync(target.Repository, target.Tag, bytes, target.Top.Entry.MediaType, cancellationToken).ConfigureAwait(false);
        return (put, target.Top.Entry.Digest);
    }

    /// <summary>Pushes one image's blobs and manifest (under <paramref name="tag"/>, or its digest when null).</summary>
    private async Task<(Digest, Digest)> PushImageAsync(string repository, ArchivedImage image, string? tag, CancellationToken cancellationToken)
    {
        var blobs = image.Manifest.Layers.Prepend(image.Manifest.Config).ToList();
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken },
            async (blob, ct) => await PushBlobAsync(repository, blob, ct).ConfigureAwait(false)).ConfigureAwait(false);

        var bytes = ManifestBytesFor(image);
        var reference = tag ?? Digest.Compute(bytes).ToString();
        var digest = await _uploader.PutManifestAsync(repository, reference, bytes, image.ManifestDescriptor.MediaType, cancellationToken).ConfigureAwait(false);
        return (digest, image.ManifestDescriptor.Digest);
    }

    private byte[] ManifestBytesFor(ArchivedImage image) =>
        options.ForeignLayers == ForeignLayerMode.Rewrite ? ForeignLayerRewriter.Rewrite(image.ManifestBytes) : image.ManifestBytes;

    private async Task PushBlobAsync(string repository, Descriptor blob, CancellationToken cancellationToken)
    {
        if (blob.IsForeign && options.ForeignLayers == ForeignLayerMode.LeaveForeign)
        {
            Record(repository, blob, BlobAction.LeftForeign);
            return;
        }
        if (!_present.TryAdd((repository, blob.Digest), 0))
        {
            Record(repository, blob, BlobAction.Skipped);
            return;
        }
        if (!archive.ContainsBlob(blob.Digest))
            throw new IntegrityException($"{ArchiveCatalog.Where(archive, Output.LayoutBlob.PathOf(blob.Digest))}: missing; the archive cannot be pushed");
        if (await _uploader.ExistsAsync(repository, blob.Digest, cancellationToken).ConfigureAwait(false))
        {
            _uploader.Forget(repository, blob.Digest);
            Record(repository, blob, BlobAction.Skipped);
            _holder.TryAdd(blob.Digest, repository);
            return;
        }
        Uri? session = null;
        if (_holder.TryGetValue(blob.Digest, out var from) && from != repository)
        {
            session = await _uploader.MountAsync(repository, blob.Digest, from, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                _uploader.Forget(repository, blob.Digest);
                Record(repository, blob, BlobAction.Mounted);
                return;
            }
        }
        var (action, recovery) = await _uploader.UploadAsync(repository, blob.Digest, blob.Size, () => archive.OpenBlob(blob.Digest), session, cancellationToken)
            .ConfigureAwait(false);
        _holder.TryAdd(blob.Digest, repository);
        Record(repository, blob, action, recovery);
    }

    private void Record(string repository, Descriptor blob, BlobAction action, UploadRecovery? recovery = null)
    {
        recovery ??= UploadRecovery.None;
        _records.Enqueue(new BlobPushRecord(repository, blob.Digest, blob.Size, action, recovery.Resumes, recovery.Restarts));
        if (action != BlobAction.Skipped)
            options.Log?.Invoke($"{action switch
            {
                BlobAction.Mounted => "mounted ",
                BlobAction.UploadedChunked => "uploaded (chunked)",
                BlobAction.UploadedMonolithic => "uploaded",
                BlobAction.LeftForeign => "left foreign",
                _ => "skipped",
            }} {blob.Digest.Short} {Content.DiskErrors.FormatSize(blob.Size)} to {repository}{(recovery.Resumes > 0 ? $", resumed {recovery.Resumes}x" : "")}{(recovery.Restarts > 0 ? $", restarted {recovery.Restarts}x" : "")}");
    }
}
