using System.Net;
using System.Net.Http.Headers;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Model;
using McrExport.Planning;
using McrExport.Registry;

namespace McrExport.Transfer;

/// <summary>
/// Fetches one blob into the <see cref="BlobStore"/>: streamed to the partial file while hashed, resumed with a Range
/// request after a dropped connection or a stall (re-asking the original URL, so redirects are fresh), retried with
/// backoff (the retry count starts again whenever an attempt brought new bytes, so a long download over a link that
/// drops now and then is not limited to a few drops in total), and published only when its size and digest are right. A mismatch discards the bytes and fetches once more;
/// a second mismatch fails. Sources are tried in order; a source that does not have the blob gives way to the next.
/// </summary>
public sealed class BlobDownloader(BlobStore store, HttpTransport transport, TransferOptions options, ITransferObserver observer,
    ConnectionGate? gate = null)
{
    private const int BufferSize = 1 << 20;

    /// <summary>How often the growing prefix is announced (<see cref="ITransferObserver.Hashed"/>).</summary>
    internal const long AnnounceEvery = 2 << 20;

    /// <summary>Downloads the blob unless the store has it; returns the bytes fetched over the network (0 when cached).</summary>
    public async Task<BlobFetchResult> FetchAsync(PlannedBlob blob, CancellationToken cancellationToken)
    {
        var descriptor = blob.Descriptor;
        if (store.Contains(descriptor.Digest, descriptor.Size))
        {
            observer.Completed(descriptor, fromCache: true);
            return new BlobFetchResult(0, FromCache: true);
        }
        using var writeLock = await store.LockAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false);
        if (store.Contains(descriptor.Digest, descriptor.Size))
        {
            observer.Completed(descriptor, fromCache: true);
            return new BlobFetchResult(0, FromCache: true);
        }

        long downloaded = 0;
        var failures = new List<(BlobSource Source, McrExportException Error)>();
        DigestMismatchException? mismatch = null;
        for (var round = 1; round <= 2; round++)
        {
            failures.Clear();
            foreach (var source in blob.Sources)
            {
                try
                {
                    downloaded += await FetchFromAsync(descriptor, source, writeLock, cancellationToken).ConfigureAwait(false);
                    writeLock.Publish();
                    SegmentRecord.Delete(writeLock.PartialPath);
                    observer.Completed(descriptor, fromCache: false);
                    return new BlobFetchResult(downloaded, FromCache: false);
                }
                catch (DigestMismatchException e)
                {
                    writeLock.DiscardPartial();
                    SegmentRecord.Delete(writeLock.PartialPath);
                    observer.Restarted(descriptor);
                    if (mismatch is not null)
                        throw new DigestMismatchException($"{e.Message}; it failed verification twice, so the export stops");
                    mismatch = e;
                    break;
                }
                catch (McrExportException e) when (e is NotFoundException or PolicyException or RegistryAuthException or RegistryException or NetworkException)
                {
                    failures.Add((source, e));
                }
            }
            if (mismatch is null || round == 2) break;
        }

        if (failures.Count == 0 && mismatch is not null) throw mismatch;
        if (failures.Count == 1) throw failures[0].Error;
        var summary = string.Join("; ", failures.Select(f => $"{f.Source.Describe()}: {f.Error.Message}"));
        var first = failures.FirstOrDefault(f => f.Error is not NotFoundException).Error ?? failures[0].Error;
        throw first switch
        {
            NetworkException => new NetworkException($"blob {descriptor.Digest} could not be fetched from any source ({summary})"),
            _ when failures.All(f => f.Error is NotFoundException) => new NotFoundException($"blob {descriptor.Digest} not found at any source ({summary})"),
            _ => new RegistryException($"blob {descriptor.Digest} could not be fetched from any source ({summary})"),
        };
    }

    private async Task<long> FetchFromAsync(Descriptor descriptor, BlobSource source, BlobWriteLock writeLock, CancellationToken cancellationToken)
    {
        if (gate is not null && options.Segments(descriptor.Size, gate.Extra))
        {
            var outcome = await new SegmentedFetch(descriptor, source, writeLock.PartialPath, transport, options, observer, gate)
                .RunAsync(cancellationToken).ConfigureAwait(false);
            if (outcome.Complete) return outcome.Fetched;
            return outcome.Fetched + await FetchStreamAsync(descriptor, source, writeLock, outcome.WholeBody, cancellationToken).ConfigureAwait(false);
        }
        return await FetchStreamAsync(descriptor, source, writeLock, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fetches the blob as one stream, going on from the partial file's contiguous prefix. <paramref name="opened"/>,
    /// when given, is a 200 answer already received (from a server that ignored Range), used as the first attempt.
    /// </summary>
    private async Task<long> FetchStreamAsync(Descriptor descriptor, BlobSource source, BlobWriteLock writeLock,
        HttpResponseMessage? opened, CancellationToken cancellationToken)
    {
        var retry = options.RetryPolicy;
        var path = writeLock.PartialPath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, BufferSize, FileOptions.Asynchronous);
        using var hasher = descriptor.Digest.CreateHasher();
        var buffer = new byte[BufferSize];

        long offset = file.Length;
        if (SegmentRecord.Exists(path))
        {
            // Left by a download over several connections: only its contiguous prefix is one stream's to go on from.
            var record = SegmentRecord.Load(path, descriptor.Digest, descriptor.Size);
            offset = record is null ? 0 : ByteSpan.Prefix(ByteSpan.Merge(record.Done));
            file.SetLength(offset);
            SegmentRecord.Delete(path);
            if (offset == 0) observer.Restarted(descriptor);
        }
        if (offset > descriptor.Size) { file.SetLength(0); offset = 0; observer.Restarted(descriptor); }
        if (offset > 0)
        {
            file.Position = 0;
            int n;
            while ((n = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0) hasher.AppendData(buffer, 0, n);
        }
        file.Position = offset;
        var announced = offset;
        if (offset > 0) observer.Hashed(descriptor, path, offset);

        long fetched = 0;
        var attempt = 0;
        var started = false;
        var offsetAtLastFailure = offset;
        while (true)
        {
            try
            {
                if (offset == descriptor.Size && descriptor.Size > 0) break;
                using var response = opened ?? await OpenAsync(descriptor, source, offset, cancellationToken).ConfigureAwait(false);
                opened = null;
                if (offset > 0 && !IsRangeAnswer(response, offset))
                {
                    file.SetLength(0);
                    file.Position = 0;
                    offset = 0;
                    announced = 0;
                    hasher.GetHashAndReset();
                    observer.Restarted(descriptor);
                }
                if (!started) { observer.Started(descriptor, source.Describe(), offset); started = true; }
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                while (true)
                {
                    var read = await TransientErrors.ReadAsync(body, buffer, options.Stall, response, cancellationToken).ConfigureAwait(false);
                    if (read == 0) break;
                    if (offset + read > descriptor.Size)
                        throw new DigestMismatchException($"blob {descriptor.Digest} from {source.Describe()} is larger than its descriptor's {descriptor.Size} bytes");
                    await WriteAsync(file, buffer, read, cancellationToken).ConfigureAwait(false);
                    hasher.AppendData(buffer, 0, read);
                    offset += read;
                    fetched += read;
                    observer.Progress(descriptor, read);
                    if (offset - announced >= AnnounceEvery)
                    {
                        // Flushed first, so a reader of the partial file finds every byte announced.
                        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                        observer.Hashed(descriptor, path, offset);
                        announced = offset;
                    }
                }
                if (offset < descriptor.Size)
                    throw new TransientNetworkException(response.RequestMessage!.RequestUri!,
                        $"{response.RequestMessage!.RequestUri!.Authority} closed the connection after {Content.DiskErrors.FormatSize(offset)} of {Content.DiskErrors.FormatSize(descriptor.Size)}");
                break;
            }
            catch (Exception e) when (TransientErrors.IsTransient(e, cancellationToken))
            {
                if (offset > offsetAtLastFailure) attempt = 0;
                offsetAtLastFailure = offset;
                attempt++;
                var (reason, retryAfter, final) = TransientErrors.Describe(e);
                if (attempt > retry.MaxRetries) throw final(attempt);
                var delay = retry.DelayFor(attempt, retryAfter);
                observer.Retrying(descriptor, source.Describe(), reason, attempt, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }

        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (offset > announced && offset <= descriptor.Size) observer.Hashed(descriptor, path, offset);
        var actual = Digest.FromHash(descriptor.Digest.Algorithm, hasher.GetHashAndReset());
        if (offset != descriptor.Size)
            throw new DigestMismatchException($"blob {descriptor.Digest} from {source.Describe()} has {offset} bytes, the descriptor says {descriptor.Size}");
        if (actual != descriptor.Digest)
            throw new DigestMismatchException($"blob {descriptor.Digest} from {source.Describe()} hashes to {actual}");
        return fetched;
    }

    private async Task<HttpResponseMessage> OpenAsync(Descriptor descriptor, BlobSource source, long offset, CancellationToken cancellationToken)
    {
        switch (source)
        {
            case RegistryBlobSource registry:
                return await registry.Client.OpenBlobAsync(registry.Repository, descriptor.Digest, offset, cancellationToken).ConfigureAwait(false);
            case UrlBlobSource url:
            {
                var uri = transport.Policy.CheckForeignUrl(url.Url);
                var response = await transport.SendAsync(HttpMethod.Get, uri, request =>
                {
                    if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
                }, trustedAuthority: null, authorize: null, cancellationToken).ConfigureAwait(false);
                try
                {
                    await RegistryClient.EnsureSuccessAsync(response, null, $"foreign layer {descriptor.Digest} at {uri.Host}", cancellationToken).ConfigureAwait(false);
                    return response;
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(source));
        }
    }

    private static bool IsRangeAnswer(HttpResponseMessage response, long offset) =>
        response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange is { } range
        && range.From == offset;

    private static async Task WriteAsync(FileStream file, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        try
        {
            await file.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (DiskErrors.IsDiskFull(e))
        {
            throw DiskErrors.Full(Path.GetDirectoryName(file.Name)!, count, e);
        }
    }
}

/// <summary>The outcome of fetching one blob.</summary>
public sealed record BlobFetchResult(long BytesDownloaded, bool FromCache);
