using System.Net;
using System.Net.Http.Headers;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Model;
using McrExport.Registry;

namespace McrExport.Push;

/// <summary>
/// The upload half of the distribution API for one registry: HEAD, cross-repository mount, monolithic
/// <c>POST</c>+<c>PUT</c>, chunked <c>PATCH</c> with <c>Content-Range</c> and resume of an interrupted upload
/// (<c>GET</c> on the upload URL answers <c>Range: 0-N</c>; the upload continues at N+1), and manifest <c>PUT</c>.
/// With <paramref name="states"/>, the newest upload URL and offset of a chunked upload are recorded after every
/// accepted chunk, so a later run continues an upload this one could not finish.
/// See https://github.com/opencontainers/distribution-spec/blob/main/spec.md#push.
/// </summary>
public sealed class BlobUploader(RegistryClient client, long chunkSize = BlobUploader.DefaultChunkSize, UploadStateStore? states = null,
    Action<string>? log = null)
{
    private int _statesBroken;

    public const long DefaultChunkSize = 16L * 1024 * 1024;

    public RegistryClient Client => client;

    public long ChunkSize => chunkSize;

    public static string PushScope(string repository) => $"repository:{repository}:pull,push";

    /// <summary>True when the repository has the blob.</summary>
    public Task<bool> ExistsAsync(string repository, Digest digest, CancellationToken cancellationToken) =>
        client.WithRetriesAsync(async ct =>
        {
            using var response = await client.SendAsync(HttpMethod.Head, $"v2/{repository}/blobs/{digest}", PushScope(repository), null, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) return false;
            await client.EnsureSuccessAsync(response, $"blob {digest} in {repository}", ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Asks the registry to mount <paramref name="digest"/> from <paramref name="from"/>. Returns null when it did (201),
    /// else the upload URL the registry opened instead (202).
    /// </summary>
    public Task<Uri?> MountAsync(string repository, Digest digest, string from, CancellationToken cancellationToken) =>
        client.WithRetriesAsync(async ct =>
        {
            var path = $"v2/{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(from)}";
            using var response = await client.SendAsync(HttpMethod.Post, path, PushScope(repository), null, ct).ConfigureAwait(false);
            await client.EnsureSuccessAsync(response, $"mounting {digest} into {repository}", ct).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.Created ? null : LocationOf(response, $"mounting {digest} into {repository}");
        }, cancellationToken);

    /// <summary>Opens an upload session and returns its URL.</summary>
    public Task<Uri> StartAsync(string repository, CancellationToken cancellationToken) =>
        client.WithRetriesAsync(async ct =>
        {
            using var response = await client.SendAsync(HttpMethod.Post, $"v2/{repository}/blobs/uploads/", PushScope(repository), null, ct).ConfigureAwait(false);
            await client.EnsureSuccessAsync(response, $"starting an upload to {repository}", ct).ConfigureAwait(false);
            return LocationOf(response, $"starting an upload to {repository}");
        }, cancellationToken);

    /// <summary>
    /// Uploads a blob: in one PUT when it is at most <see cref="ChunkSize"/>, else in PATCH chunks; an interrupted chunk
    /// resumes where the registry says the upload stands. <paramref name="location"/> reuses an open session.
    /// <paramref name="resumedAt"/> hears the offset when a saved upload of an earlier run is continued.
    /// </summary>
    public async Task<(BlobAction Action, UploadRecovery Recovery)> UploadAsync(string repository, Digest digest, long size, UploadSource open,
        Uri? location, CancellationToken cancellationToken, Action<long>? resumedAt = null)
    {
        if (location is null && size > chunkSize && await ResumableAsync(repository, digest, size, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            resumedAt?.Invoke(stored.Offset);
            log?.Invoke($"resuming the saved upload of {digest.Short} to {repository} at {Content.DiskErrors.FormatSize(stored.Offset)} of {Content.DiskErrors.FormatSize(size)}");
            var resumed = await UploadChunksAsync(repository, digest, size, open, stored.Location, stored.Offset, cancellationToken).ConfigureAwait(false);
            return (BlobAction.UploadedChunked, resumed with { Resumes = resumed.Resumes + 1 });
        }
        if (size <= chunkSize)
        {
            // The whole blob is read and checked before the request that carries it (and names its digest) is sent.
            var bytes = await ReadCheckedAsync(digest, size, open, cancellationToken).ConfigureAwait(false);
            location ??= await StartAsync(repository, cancellationToken).ConfigureAwait(false);
            await client.WithRetriesAsync(async ct =>
            {
                using var response = await client.SendAsync(HttpMethod.Put, WithDigest(location, digest), PushScope(repository), request =>
                {
                    request.Content = new ByteArrayContent(bytes);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                }, ct).ConfigureAwait(false);
                await client.EnsureSuccessAsync(response, $"uploading {digest} to {repository}", ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return (BlobAction.UploadedMonolithic, UploadRecovery.None);
        }
        location ??= await StartAsync(repository, cancellationToken).ConfigureAwait(false);
        var recovery = await UploadChunksAsync(repository, digest, size, open, location, 0, cancellationToken).ConfigureAwait(false);
        return (BlobAction.UploadedChunked, recovery);
    }

    /// <summary>
    /// Sends the chunks from <paramref name="offset"/> on, then the closing PUT. After a failed chunk it asks the
    /// registry where the upload stands and continues there; when the registry no longer knows the session (the
    /// distribution registry refuses a state token that is behind a chunk which landed), it starts a new one.
    /// </summary>
    public async Task<UploadRecovery> UploadChunksAsync(string repository, Digest digest, long size, UploadSource open, Uri location, long offset,
        CancellationToken cancellationToken)
    {
        var resumes = 0;
        var restarts = 0;
        var failures = 0;
        var buffer = new byte[(int)Math.Min(chunkSize, size)];
        // The hash of bytes [0, hashed) exactly as read for sending; the closing PUT goes out only when it matches.
        using var hash = digest.CreateHasher();
        long hashed = 0;
        while (offset < size)
        {
            var length = (int)Math.Min(chunkSize, size - offset);
            if (offset < hashed)
            {
                hash.GetHashAndReset();
                hashed = 0;
            }
            await using (var source = open())
            {
                Skip(source, hashed);
                await HashForwardAsync(source, hash, offset - hashed, cancellationToken).ConfigureAwait(false);
                hashed = offset;
                await ReadFullAsync(source, buffer.AsMemory(0, length), digest, cancellationToken).ConfigureAwait(false);
                hash.AppendData(buffer, 0, length);
                hashed += length;
            }
            try
            {
                location = await PatchAsync(repository, location, buffer, length, offset, cancellationToken).ConfigureAwait(false);
                offset += length;
                failures = 0;
                await RememberAsync(repository, digest, location, offset, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TransientNetworkException or TransientStatusException)
            {
                if (++failures > client.Retry.MaxRetries) throw e is TransientStatusException s ? s.Final : ((TransientNetworkException)e).ToFinal(failures);
                await Task.Delay(client.Retry.DelayFor(failures, null, $"{digest.Short} to {repository}", e.Message), cancellationToken).ConfigureAwait(false);
                try
                {
                    (location, offset) = await StatusAsync(repository, location, cancellationToken).ConfigureAwait(false);
                    resumes++;
                    log?.Invoke($"resuming the upload of {digest.Short} to {repository} at {Content.DiskErrors.FormatSize(offset)} of {Content.DiskErrors.FormatSize(size)}");
                    await RememberAsync(repository, digest, location, offset, cancellationToken).ConfigureAwait(false);
                }
                catch (NotFoundException)
                {
                    log?.Invoke($"{client.Registry} refused the upload of {digest.Short} to {repository} (it no longer knows it), starting over");
                    Forget(repository, digest);
                    location = await StartAsync(repository, cancellationToken).ConfigureAwait(false);
                    offset = 0;
                    restarts++;
                }
            }
        }
        var sent = Digest.FromHash(digest.Algorithm, hash.GetHashAndReset());
        if (sent != digest)
        {
            Forget(repository, digest);
            throw new DigestMismatchException(
                $"the {size} bytes read for blob {digest} hash to {sent}; the archive does not hold what its manifest says (the upload to {repository} was not completed)");
        }
        await client.WithRetriesAsync(async ct =>
        {
            using var response = await client.SendAsync(HttpMethod.Put, WithDigest(location, digest), PushScope(repository), request =>
            {
                request.Content = new ByteArrayContent([]);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            }, ct).ConfigureAwait(false);
            await client.EnsureSuccessAsync(response, $"completing the upload of {digest} to {repository}", ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        Forget(repository, digest);
        return new UploadRecovery(resumes, restarts);
    }

    /// <summary>Drops the recorded state of an upload of <paramref name="digest"/> (committed, or found in the registry).</summary>
    public void Forget(string repository, Digest digest) => states?.Delete(client.Authority, repository, digest);

    /// <summary>
    /// The upload a previous run left unfinished, where the registry says it stands; null (and the record dropped) when
    /// there is none, or the registry no longer knows it (404, <c>BLOB_UPLOAD_UNKNOWN</c>, <c>BLOB_UPLOAD_INVALID</c>).
    /// </summary>
    public async Task<UploadState?> ResumableAsync(string repository, Digest digest, long size, CancellationToken cancellationToken)
    {
        if (states is null) return null;
        UploadState? stored;
        try
        {
            stored = await states.LoadAsync(client.Authority, repository, digest, cancellationToken).ConfigureAwait(false);
        }
        catch (DiskException e)
        {
            StatesBroken(e);
            return null;
        }
        if (stored is null) return null;
        if (!string.Equals(stored.Location.Authority, client.Authority, StringComparison.OrdinalIgnoreCase)
            || await ProbeAsync(repository, stored.Location, cancellationToken).ConfigureAwait(false) is not { } probed
            || probed.Offset > size)
        {
            log?.Invoke($"{client.Registry} refused the saved upload of {digest.Short} to {repository} (it stood at {Content.DiskErrors.FormatSize(stored.Offset)}), starting over");
            Forget(repository, digest);
            return null;
        }
        return stored with { Location = probed.Location, Offset = probed.Offset };
    }

    /// <summary>Like <see cref="StatusAsync"/>, but null when the registry does not know the upload.</summary>
    private Task<(Uri Location, long Offset)?> ProbeAsync(string repository, Uri location, CancellationToken cancellationToken) =>
        client.WithRetriesAsync<(Uri, long)?>(async ct =>
        {
            var what = $"the state of an upload to {repository}";
            using var response = await client.SendAsync(HttpMethod.Get, location.ToString(), PushScope(repository), null, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                var body = await RegistryClient.ReadLimitedAsync(response, 64 * 1024, what, ct, truncate: true).ConfigureAwait(false);
                var errors = RegistryError.Parse(body);
                if (errors.Any(e => e.Code is "BLOB_UPLOAD_UNKNOWN" or "BLOB_UPLOAD_INVALID")) return null;
                throw RegistryError.ToException(response.StatusCode, errors, client.Registry, what);
            }
            await client.EnsureSuccessAsync(response, what, ct).ConfigureAwait(false);
            var next = response.Headers.Location is null ? location : LocationOf(response, "upload state");
            return (next, NextOffset(response));
        }, cancellationToken);

    private async Task RememberAsync(string repository, Digest digest, Uri location, long offset, CancellationToken cancellationToken)
    {
        if (states is null || Volatile.Read(ref _statesBroken) != 0) return;
        try
        {
            await states.SaveAsync(new UploadState(client.Authority, repository, digest, location, offset), cancellationToken).ConfigureAwait(false);
        }
        catch (DiskException e)
        {
            StatesBroken(e);
        }
    }

    private void StatesBroken(DiskException e)
    {
        if (Interlocked.Exchange(ref _statesBroken, 1) == 0)
            log?.Invoke($"warning: {e.Message}; an interrupted upload will start over next time");
    }

    /// <summary>Where an upload stands: <c>GET</c> on its URL; the next byte to send is the end of <c>Range</c> plus one.</summary>
    public Task<(Uri Location, long Offset)> StatusAsync(string repository, Uri location, CancellationToken cancellationToken) =>
        client.WithRetriesAsync(async ct =>
        {
            using var response = await client.SendAsync(HttpMethod.Get, location.ToString(), PushScope(repository), null, ct).ConfigureAwait(false);
            await client.EnsureSuccessAsync(response, $"the state of an upload to {repository}", ct).ConfigureAwait(false);
            var next = response.Headers.Location is null ? location : LocationOf(response, "upload state");
            return (next, NextOffset(response));
        }, cancellationToken);

    private async Task<Uri> PatchAsync(string repository, Uri location, byte[] buffer, int length, long offset, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(HttpMethod.Patch, location.ToString(), PushScope(repository), request =>
        {
            request.Content = new ByteArrayContent(buffer, 0, length);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
        }, cancellationToken).ConfigureAwait(false);
        await client.EnsureSuccessAsync(response, $"uploading a chunk to {repository}", cancellationToken).ConfigureAwait(false);
        var next = LocationOf(response, $"uploading a chunk to {repository}");
        var confirmed = NextOffset(response);
        if (response.Headers.Contains("Range") && confirmed != offset + length)
            throw new RegistryException($"{client.Registry} confirmed {confirmed} bytes of the upload to {repository}, expected {offset + length}");
        return next;
    }

    /// <summary>Puts a manifest or index with its exact bytes under <paramref name="reference"/> (a tag or digest).</summary>
    public Task<Digest> PutManifestAsync(string repository, string reference, byte[] bytes, string mediaType, CancellationToken cancellationToken) =>
        client.WithRetriesAsync(async ct =>
        {
            var what = $"manifest {repository}:{reference}";
            using var response = await client.SendAsync(HttpMethod.Put, $"v2/{repository}/manifests/{reference}", PushScope(repository), request =>
            {
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            }, ct).ConfigureAwait(false);
            await client.EnsureSuccessAsync(response, what, ct).ConfigureAwait(false);
            var digest = Digest.Compute(bytes);
            if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { Length: > 0 } header
                && Digest.TryParse(header, out var served) && served != digest)
                throw new DigestMismatchException($"{what}: {client.Registry} stored it as {served}, but its bytes hash to {digest}");
            return digest;
        }, cancellationToken);

    /// <summary>Reads exactly <paramref name="size"/> bytes and checks that there are no more and that they hash to <paramref name="digest"/>.</summary>
    internal static async Task<byte[]> ReadCheckedAsync(Digest digest, long size, UploadSource open, CancellationToken cancellationToken)
    {
        var bytes = new byte[size];
        await using (var source = open())
        {
            await ReadFullAsync(source, bytes, digest, cancellationToken).ConfigureAwait(false);
            if (await source.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0)
                throw new DigestMismatchException($"blob {digest} has more than the {size} bytes its descriptor says; nothing was sent");
        }
        var actual = Digest.Compute(bytes, digest.Algorithm);
        if (actual != digest)
            throw new DigestMismatchException($"the {size} bytes of blob {digest} hash to {actual}; nothing was sent");
        return bytes;
    }

    private static async Task ReadFullAsync(Stream source, Memory<byte> buffer, Digest digest, CancellationToken cancellationToken)
    {
        var read = await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < buffer.Length)
            throw new DigestMismatchException($"blob {digest} ended early: it is shorter than its descriptor says");
    }

    /// <summary>Reads and hashes <paramref name="count"/> bytes (what an earlier run already sent), so the final hash covers them.</summary>
    private static async Task HashForwardAsync(Stream source, System.Security.Cryptography.IncrementalHash hash, long count, CancellationToken cancellationToken)
    {
        if (count <= 0) return;
        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var left = count;
            while (left > 0)
            {
                var read = await source.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, left)), cancellationToken).ConfigureAwait(false);
                if (read == 0) throw new DigestMismatchException("the blob ended before the resume offset");
                hash.AppendData(scratch, 0, read);
                left -= read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static void Skip(Stream source, long offset)
    {
        if (offset == 0) return;
        if (source is Observing.ObservedStream observed) { Skip(observed.Inner, offset); return; }
        if (source.CanSeek) { source.Seek(offset, SeekOrigin.Current); return; }
        if (source is Archive.BoundedStream bounded) { bounded.Skip(offset); return; }
        if (source is Archive.VerifyingReadStream verifying) { verifying.Skip(offset); return; }
        var scratch = new byte[81920];
        var left = offset;
        while (left > 0)
        {
            var read = source.Read(scratch, 0, (int)Math.Min(scratch.Length, left));
            if (read == 0) throw new DigestMismatchException("the blob ended before the resume offset");
            left -= read;
        }
    }

    private static string WithDigest(Uri location, Digest digest) =>
        location + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest.ToString());

    private Uri LocationOf(HttpResponseMessage response, string what)
    {
        var location = response.Headers.Location
            ?? throw new RegistryException($"{client.Registry} answered {what} without a Location");
        return location.IsAbsoluteUri ? location : new Uri(client.BaseUri, location);
    }

    private static long NextOffset(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Range", out var values)) return 0;
        var range = values.First();
        if (range.StartsWith("bytes=", StringComparison.Ordinal)) range = range[6..];
        var dash = range.IndexOf('-');
        return dash > 0 && long.TryParse(range[(dash + 1)..], out var end) && end > 0 ? end + 1 : 0;
    }
}
