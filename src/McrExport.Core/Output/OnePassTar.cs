using System.Buffers;
using McrExport.Content;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// The blob entries of a tar written while the transfer runs. Each verified blob goes in as soon as the tar is free,
/// in the order blobs complete. When <c>follow</c> is on (an output file, which can be cut back) and no verified blob
/// is waiting, the download under way with the most still to come is streamed into the tar as its hashed prefix
/// grows, so the last blob to finish is not copied after the transfer. If that download restarts or fails its
/// digest, its entry is cut off the tar again and the blob stays pending; it is ended only once the blob is verified
/// with the bytes that were streamed. Standard output is never followed: only verified bytes reach it.
/// </summary>
internal static class OnePassTar
{
    private const int BufferSize = 1 << 20;

    public static async Task WriteBlobsAsync(TarSink tar, IReadOnlyList<LayoutBlob> pendingBlobs, IBlobReader blobs, BlobArrivals arrivals,
        bool follow, Action<Digest>? written, CancellationToken cancellationToken)
    {
        var pending = pendingBlobs.ToDictionary(b => b.Digest);
        follow &= tar.CanRewind;
        while (pending.Count > 0)
        {
            var changed = arrivals.Changed;
            if (arrivals.TryTakeArrived(out var digest))
            {
                if (pending.Remove(digest, out var arrived))
                {
                    await LayoutTar.AddBlobAsync(tar, arrived, blobs, cancellationToken).ConfigureAwait(false);
                    written?.Invoke(digest);
                }
                continue;
            }
            if (follow && MostToCome(pending.Values, arrivals) is { } growing)
            {
                if (await FollowAsync(tar, growing, blobs, arrivals, cancellationToken).ConfigureAwait(false))
                {
                    pending.Remove(growing.Digest);
                    written?.Invoke(growing.Digest);
                    continue;
                }
            }
            else if (arrivals.IsComplete) break;
            // Nothing to do until the transfer tells more (already so when it told something meanwhile).
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        // Announced by no one (the transfer ended without them): they must be in the store already.
        foreach (var blob in pendingBlobs.Where(b => pending.ContainsKey(b.Digest)))
            await LayoutTar.AddBlobAsync(tar, blob, blobs, cancellationToken).ConfigureAwait(false);
    }

    private static LayoutBlob? MostToCome(IEnumerable<LayoutBlob> pending, BlobArrivals arrivals) =>
        pending.Select(b => (Blob: b, Growth: arrivals.GrowthOf(b.Digest)))
            .Where(g => g.Growth is { Prefix: > 0 } && !arrivals.IsVerified(g.Blob.Digest))
            .OrderByDescending(g => g.Blob.Size - g.Growth!.Prefix)
            .Select(g => g.Blob)
            .FirstOrDefault();

    /// <summary>Streams one download into a new entry; true when the entry is complete and the blob verified.</summary>
    private static async Task<bool> FollowAsync(TarSink tar, LayoutBlob blob, IBlobReader blobs, BlobArrivals arrivals, CancellationToken cancellationToken)
    {
        if (arrivals.GrowthOf(blob.Digest) is not { } start) return false;
        FileStream source;
        try
        {
            source = new FileStream(start.PartialPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Published or thrown away meanwhile: the next round sees which.
            return false;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        await using (source.ConfigureAwait(false))
        try
        {
            await tar.BeginFileAsync(blob.Path, blob.Size, cancellationToken).ConfigureAwait(false);
            long copied = 0;
            while (true)
            {
                var changed = arrivals.Changed;
                var verified = arrivals.IsVerified(blob.Digest);
                var growth = verified ? null : arrivals.GrowthOf(blob.Digest);
                if (!verified && (growth is null || growth.Generation != start.Generation || growth.PartialPath != start.PartialPath))
                {
                    await tar.AbandonFileAsync(cancellationToken).ConfigureAwait(false);
                    return false;
                }
                // Verified: every byte up to the size is final (the partial file was published as it was; a restart
                // would have come first and changed the generation, which the check above saw).
                var until = verified ? blob.Size : Math.Min(growth!.Prefix, blob.Size);
                while (copied < until)
                {
                    var read = await RandomAccess.ReadAsync(source.SafeFileHandle, buffer.AsMemory(0, (int)Math.Min(buffer.Length, until - copied)),
                        copied, cancellationToken).ConfigureAwait(false);
                    if (read == 0) break;
                    await tar.AppendAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    copied += read;
                }
                if (verified)
                {
                    if (copied == blob.Size && GenerationHeld(arrivals, blob.Digest, start))
                    {
                        await tar.EndFileAsync(cancellationToken).ConfigureAwait(false);
                        return true;
                    }
                    // Short of the size: not the file that was verified; take it from the store instead.
                    await tar.AbandonFileAsync(cancellationToken).ConfigureAwait(false);
                    await LayoutTar.AddBlobAsync(tar, blob, blobs, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                if (copied < until)
                {
                    // The file is shorter than its announced prefix: it was cut; wait for the restart to be told.
                    await tar.AbandonFileAsync(cancellationToken).ConfigureAwait(false);
                    return false;
                }
                if (arrivals.IsComplete) { await tar.AbandonFileAsync(cancellationToken).ConfigureAwait(false); return false; }
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>No restart was announced since <paramref name="start"/>: verified blobs keep their last generation.</summary>
    private static bool GenerationHeld(BlobArrivals arrivals, Digest digest, BlobArrivals.Growth start) =>
        arrivals.GenerationAtVerification(digest) == start.Generation;
}
