using System.Net;
using System.Net.Http.Headers;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Model;
using McrExport.Registry.Auth;

namespace McrExport.Registry;

/// <summary>
/// The registry API for one registry host: manifests, blobs and tags, with the auth handshake and retries.
/// It knows nothing of files or output formats.
/// </summary>
public sealed class RegistryClient
{
    private readonly HttpTransport _transport;
    private readonly RegistryAuthenticator _auth;

    public RegistryClient(string registry, string apiAuthority, HttpTransport transport, ICredentialSource credentials, RetryPolicy retry)
    {
        Registry = registry;
        BaseUri = transport.Policy.RegistryBaseUri(apiAuthority);
        Authority = BaseUri.Authority;
        _transport = transport;
        Retry = retry;
        _auth = new RegistryAuthenticator(Authority, registry, transport, credentials);
    }

    /// <summary>The registry's name as the user knows it (<c>mcr.microsoft.com</c>, <c>docker.io</c>).</summary>
    public string Registry { get; }

    public Uri BaseUri { get; }

    public string Authority { get; }

    public RetryPolicy Retry { get; }

    public RegistryAuthenticator Authenticator => _auth;

    public static string PullScope(string repository) => $"repository:{repository}:pull";

    /// <summary>Fetches a manifest or index by tag or digest, with an Accept header that rules out schema1.</summary>
    public Task<ManifestResponse> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken) =>
        WithRetriesAsync(async ct =>
        {
            var what = $"manifest {repository}:{reference}".Replace(":sha", "@sha", StringComparison.Ordinal);
            using var response = await SendAsync(HttpMethod.Get, $"v2/{repository}/manifests/{reference}", PullScope(repository), request =>
            {
                foreach (var type in MediaTypes.ManifestAccept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }, ct).ConfigureAwait(false);
            await EnsureSuccessAsync(response, what, ct).ConfigureAwait(false);
            var bytes = await BoundedBody.ReadAsync(response, ManifestParser.MaxDocumentSize, _transport.BodyStallTimeout, what, ct).ConfigureAwait(false);
            var contentType = response.Content.Headers.ContentType?.MediaType;

            Digest? pinned = Digest.TryParse(reference, out var p) ? p : null;
            var algorithm = pinned?.Algorithm ?? Digest.Sha256;
            if (response.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { Length: > 0 } header)
            {
                var served = Digest.Parse(header, "Docker-Content-Digest header");
                var actual = Digest.Compute(bytes, served.Algorithm);
                if (actual != served)
                    throw new DigestMismatchException($"{what}: the bytes hash to {actual} but {Registry} says {served}");
            }
            var digest = Digest.Compute(bytes, algorithm);
            if (pinned is { } pin && digest != pin)
                throw new DigestMismatchException($"{what}: the registry served bytes that hash to {digest}");
            return new ManifestResponse(bytes, contentType, digest);
        }, cancellationToken);

    /// <summary>Fetches a small blob (a config) into memory, verified against its descriptor.</summary>
    public Task<byte[]> GetSmallBlobAsync(string repository, Descriptor descriptor, CancellationToken cancellationToken) =>
        WithRetriesAsync(async ct =>
        {
            if (descriptor.Size > ManifestParser.MaxDocumentSize)
                throw new InvalidManifestException($"the config {descriptor.Digest} claims {descriptor.Size} bytes, more than the limit of {ManifestParser.MaxDocumentSize}");
            var what = $"blob {descriptor.Digest} in {repository}";
            using var response = await OpenBlobAsync(repository, descriptor.Digest, 0, ct).ConfigureAwait(false);
            var bytes = await BoundedBody.ReadAsync(response, (int)descriptor.Size, _transport.BodyStallTimeout, what, ct).ConfigureAwait(false);
            BlobVerifier.Check(descriptor, bytes, Registry);
            return bytes;
        }, cancellationToken);

    /// <summary>
    /// Starts a blob download at <paramref name="offset"/> (a Range request when it is not 0), following redirects.
    /// The answer is 200 or 206; anything else becomes a typed exception. No retry here: the transfer engine retries
    /// and resumes.
    /// </summary>
    public async Task<HttpResponseMessage> OpenBlobAsync(string repository, Digest digest, long offset, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, $"v2/{repository}/blobs/{digest}", PullScope(repository), request =>
        {
            if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, $"blob {digest} in {repository}", cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Lists every tag of a repository, following <c>Link: &lt;…&gt;; rel="next"</c> pagination, bounded by
    /// <see cref="TagListLimits.MaxPages"/> pages and <see cref="TagListLimits.MaxBytes"/> bytes of answers in all. A listing
    /// that hits a bound fails with <see cref="IncompleteTagListException"/>, which carries the tags read so far.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken)
    {
        var listing = await ListTagsBoundedAsync(repository, cancellationToken).ConfigureAwait(false);
        if (listing.Incomplete) throw new IncompleteTagListException($"tags of {repository} on {Registry}", listing);
        return listing.Tags;
    }

    /// <summary>Like <see cref="ListTagsAsync"/>, but a listing that hits a bound comes back with <see cref="TagListing.Incomplete"/> set.</summary>
    public Task<TagListing> ListTagsBoundedAsync(string repository, CancellationToken cancellationToken, TagListLimits? limits = null) =>
        WithRetriesAsync(async ct =>
        {
            var bounds = limits ?? TagListLimits.Default;
            var tags = new List<string>();
            var path = $"v2/{repository}/tags/list?n=1000";
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pages = 0;
            long bytes = 0;
            string? stopped = null;
            while (path is not null)
            {
                if (!seen.Add(path)) { stopped = "the registry's Link header points back at a page already read"; break; }
                if (pages >= bounds.MaxPages) { stopped = $"stopped after {bounds.MaxPages} pages"; break; }
                using var response = await SendAsync(HttpMethod.Get, path, PullScope(repository), null, ct).ConfigureAwait(false);
                await EnsureSuccessAsync(response, $"tags of {repository}", ct).ConfigureAwait(false);
                var left = (int)Math.Min(bounds.MaxPageBytes, bounds.MaxBytes - bytes);
                byte[] body;
                try
                {
                    body = await BoundedBody.ReadAsync(response, left, _transport.BodyStallTimeout, $"tags of {repository}", ct).ConfigureAwait(false);
                }
                catch (InvalidManifestException) when (left < bounds.MaxPageBytes)
                {
                    stopped = $"stopped after {bytes} bytes of tag lists";
                    break;
                }
                pages++;
                bytes += body.Length;
                tags.AddRange(TagList.Parse(body));
                path = LinkHeader.NextPath(response.Headers.TryGetValues("Link", out var links) ? links : [], BaseUri);
            }
            return new TagListing(tags, stopped is not null, stopped, pages);
        }, cancellationToken);

    /// <summary>Sends one request to the registry, answering an auth challenge once.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string scope,
        Action<HttpRequestMessage>? configure, CancellationToken cancellationToken)
    {
        var uri = new Uri(BaseUri, pathAndQuery);
        string? sent = null;
        for (var attempt = 0; ; attempt++)
        {
            var response = await _transport.SendAsync(method, uri, configure, Authority, async (request, ct) =>
            {
                await _auth.AuthorizeAsync(request, scope, ct).ConfigureAwait(false);
                sent = request.Headers.Authorization?.ToString();
            }, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt >= 2) return response;
            if (!await _auth.HandleChallengeAsync(response, scope, sent, cancellationToken).ConfigureAwait(false)) return response;
            response.Dispose();
        }
    }

    /// <summary>Runs <paramref name="operation"/>, retrying connection failures, 5xx and 429 with backoff.</summary>
    public async Task<T> WithRetriesAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (TransientNetworkException e)
            {
                if (attempt > Retry.MaxRetries) throw e.ToFinal(attempt);
                await Task.Delay(Retry.DelayFor(attempt, null, Registry, e.Message), cancellationToken).ConfigureAwait(false);
            }
            catch (TransientStatusException e)
            {
                if (attempt > Retry.MaxRetries) throw e.Final;
                await Task.Delay(Retry.DelayFor(attempt, e.RetryAfter, Registry, e.Message), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Throws the typed exception for a failed answer; transient failures as <see cref="TransientStatusException"/>.</summary>
    public async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureSuccessAsync(response, response.RequestMessage?.RequestUri?.Authority == Authority ? Registry : null, what, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryAuthException e) when (_auth.CredentialSource is { } source)
        {
            throw new RegistryAuthException($"{e.Message} (with the credentials from {source})") { Hint = $"check or renew the entry for {Registry} in {source}" };
        }
    }

    /// <summary>Throws the typed exception for a failed answer from any host (<paramref name="displayName"/> defaults to the host).</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string? displayName, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        byte[] body;
        try
        {
            body = await BoundedBody.ReadAsync(response, 64 * 1024, ErrorBodyStall, what, cancellationToken, truncate: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or TransientNetworkException)
        {
            body = [];
        }
        var errors = RegistryError.Parse(body);
        var registry = displayName ?? response.RequestMessage?.RequestUri?.Authority ?? "the server";
        var final = RegistryError.ToException(response.StatusCode, errors, registry, what);
        if (RetryPolicy.IsTransient(response.StatusCode))
            throw new TransientStatusException(final, RetryPolicy.RetryAfter(response));
        throw final;
    }

    /// <summary>How long an error body may take; a slow one is dropped and the status alone is reported.</summary>
    public static TimeSpan ErrorBodyStall { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads a body into memory, refusing more than <paramref name="limit"/> bytes, within <see cref="ErrorBodyStall"/> (and more per MiB).</summary>
    public static Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, int limit, string what,
        CancellationToken cancellationToken, bool truncate = false) =>
        BoundedBody.ReadAsync(response, limit, ErrorBodyStall, what, cancellationToken, truncate);
}

/// <summary>A 5xx, 408 or 429 answer: retried; <see cref="Final"/> is what the user sees when retries run out.</summary>
public sealed class TransientStatusException(McrExportException final, TimeSpan? retryAfter) : Exception(final.Message)
{
    public McrExportException Final { get; } = final;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
