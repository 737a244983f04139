using System.Collections.Concurrent;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Registry;

namespace McrExport.Push;

/// <summary>
/// A registry as a sink: puts the entries of a set into one registry. For each manifest its blobs (skip what the
/// registry has, mount what another repository of this push has, upload the rest, read from an
/// <see cref="IBlobReader"/>: an archive in place or the blob store), then the manifest with its bytes and media
/// type; for an index, every child by digest (artifacts with their <c>subject</c> as they are), then the index under
/// the tag; then, when asked, the referrers of each entry (signatures, SBOMs) keeping their digests.
/// </summary>
public sealed class RegistrySink(IBlobReader blobs, RegistryClient client, PushOptions options)
{
    private readonly BlobUploader _uploader = new(client, options.ChunkSize, options.Uploads, options.Log);
    private readonly ConcurrentDictionary<(string Repository, Digest Digest), byte> _present = new();
    private readonly ConcurrentDictionary<Digest, string> _holder = new();
    private readonly ConcurrentQueue<BlobPushRecord> _records = new();

    public RegistryClient Client => client;

    /// <summary>
    /// Pushes the targets, then (with <see cref="PushOptions.Referrers"/>) the referrers <paramref name="set"/> holds
    /// for each of them, into the target's repository, keeping their digests (see <see cref="ReferrerPusher"/>).
    /// </summary>
    public async Task<PushResult> PushAsync(IReadOnlyList<PushTarget> targets, ImageSet set, CancellationToken cancellationToken)
    {
        var result = await PushAsync(targets, cancellationToken).ConfigureAwait(false);
        if (!options.Referrers) return result;
        var pushed = new List<PushedReferrer>();
        var putter = new ReferrerPusher(_uploader);
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var referrers = ReferrerGraph.ReferrersOf(set, target.Entry);
            if (referrers.Count == 0) continue;
            if (result.Images[i].Rewritten)
            {
                options.Log?.Invoke($"referrers of {target.Repository}:{target.Tag} not pushed: its manifest was rewritten, so they would refer to a digest the registry does not have");
                continue;
            }
            foreach (var referrer in referrers)
            {
                await Parallel.ForEachAsync(referrer.Node.Blobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken },
                    async (blob, ct) => await PushBlobAsync(target.Repository, blob, ct).ConfigureAwait(false)).ConfigureAwait(false);
                var recorded = await putter.PutAsync(target.Repository, referrer, cancellationToken).ConfigureAwait(false);
                var entry = new PushedReferrer(target.Repository, referrer, recorded);
                options.Log?.Invoke($"pushed {entry.Kind} {entry.Digest.Short} of {entry.Subject.Short} to {target.Repository} " + recorded switch
                {
                    ReferrerPusher.Recorded.ByApi => "(referrers API)",
                    ReferrerPusher.Recorded.ByTagSchema => $"(listed in {ReferrerTags.FallbackTag(entry.Subject)[..19]}…)",
                    _ => $"(tag {ReferrerGraph.CosignTagOf(referrer)})",
                });
                pushed.Add(entry);
            }
        }
        return result with { Referrers = pushed };
    }

    public async Task<PushResult> PushAsync(IReadOnlyList<PushTarget> targets, CancellationToken cancellationToken)
    {
        var images = new List<PushedImage>();
        foreach (var target in targets)
        {
            var (digest, original) = await PushNodeAsync(target.Repository, target.Entry.Node, target.Tag, cancellationToken).ConfigureAwait(false);
            var pushed = new PushedImage($"{client.Registry}/{target.Repository}:{target.Tag}", digest, original);
            options.Log?.Invoke($"pushed {pushed.Reference}@{digest}{(pushed.Rewritten ? $" (rewritten from {original})" : "")}");
            images.Add(pushed);
        }
        return new PushResult(images, _records.ToList());
    }

    /// <summary>Pushes a manifest and what it needs, under <paramref name="tag"/> (its digest when null); the digest put and the original's.</summary>
    private async Task<(Digest Digest, Digest Original)> PushNodeAsync(string repository, ManifestNode node, string? tag, CancellationToken cancellationToken)
    {
        if (node is IndexNode index)
        {
            if (index.Partial && index.Children.Count == 1 && tag is not null)
            {
                options.Log?.Invoke($"the index {index.Digest.Short} is here for {index.Children[0].Descriptor.Platform?.ToString() ?? "one platform"} only; pushing that manifest");
                return await PushNodeAsync(repository, index.Children[0], tag, cancellationToken).ConfigureAwait(false);
            }
            if (index.Partial)
                throw new IntegrityException($"the index {index.Digest} lists {index.Index.Manifests.Count} manifests but the archive holds {index.Children.Count}; a registry refuses an index whose manifests it lacks");
            var replaced = new Dictionary<Digest, (Digest, long)>();
            foreach (var child in index.Children)
            {
                var (digest, original) = await PushNodeAsync(repository, child, null, cancellationToken).ConfigureAwait(false);
                if (digest != original) replaced[original] = (digest, ManifestBytesFor(child).Length);
            }
            var bytes = ForeignLayerRewriter.RewriteIndex(index.Bytes.ToArray(), replaced);
            var put = await _uploader.PutManifestAsync(repository, tag ?? Digest.Compute(bytes).ToString(), bytes, index.Descriptor.MediaType, cancellationToken)
                .ConfigureAwait(false);
            return (put, index.Digest);
        }

        var needed = node.Blobs.ToList();
        await Parallel.ForEachAsync(needed, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken },
            async (blob, ct) => await PushBlobAsync(repository, blob, ct).ConfigureAwait(false)).ConfigureAwait(false);

        var manifest = ManifestBytesFor(node);
        var reference = tag ?? Digest.Compute(manifest).ToString();
        var digestPut = await _uploader.PutManifestAsync(repository, reference, manifest, node.Descriptor.MediaType, cancellationToken).ConfigureAwait(false);
        return (digestPut, node.Digest);
    }

    private byte[] ManifestBytesFor(ManifestNode node) =>
        options.ForeignLayers == ForeignLayerMode.Rewrite && node is Image ? ForeignLayerRewriter.Rewrite(node.Bytes.ToArray()) : node.Bytes.ToArray();

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
        if (blobs is Archive.ArchiveBlobReader archive && !archive.Contains(blob.Digest))
            throw new IntegrityException($"{archive.Archive.Where(Output.LayoutBlob.PathOf(blob.Digest))}: missing; the archive cannot be pushed");
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
        var observer = options.Observer ?? NullPushObserver.Instance;
        observer.Started(blob, repository);
        var (action, recovery) = await _uploader.UploadAsync(repository, blob.Digest, blob.Size,
                () => new Observing.ObservedStream(blobs.OpenRead(blob.Digest), n => observer.Progress(blob, n)), session, cancellationToken,
                offset => observer.Resumed(blob, repository, offset))
            .ConfigureAwait(false);
        _holder.TryAdd(blob.Digest, repository);
        Record(repository, blob, action, recovery);
    }

    private void Record(string repository, Descriptor blob, BlobAction action, UploadRecovery? recovery = null)
    {
        recovery ??= UploadRecovery.None;
        _records.Enqueue(new BlobPushRecord(repository, blob.Digest, blob.Size, action, recovery.Resumes, recovery.Restarts));
        options.Observer?.Completed(blob, repository, action);
        if (action != BlobAction.Skipped)
            options.Log?.Invoke($"{action switch
            {
                BlobAction.Mounted => "mounted ",
                BlobAction.UploadedChunked => "uploaded (chunked)",
                BlobAction.UploadedMonolithic => "uploaded",
                BlobAction.LeftForeign => "left foreign",
                _ => "skipped",
            }} {blob.Digest.Short} {DiskErrors.FormatSize(blob.Size)} to {repository}{(recovery.Resumes > 0 ? $", resumed {recovery.Resumes}x" : "")}{(recovery.Restarts > 0 ? $", restarted {recovery.Restarts}x" : "")}");
    }
}
