using System.Net;
using System.Net.Http.Headers;
using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Registry.Referrers;

/// <summary>
/// The read side of referrers for one registry: the OCI 1.1 referrers API
/// (<c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;[?artifactType=…]</c>, an image index of the manifests whose
/// <c>subject</c> is that digest, paged by <c>Link</c>), the referrers tag schema's index (tag <c>sha256-&lt;hex&gt;</c>)
/// for registries without the API, and cosign's tags (<c>sha256-&lt;hex&gt;.sig</c>, <c>.att</c>, <c>.sbom</c>).
/// See https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-referrers.
/// </summary>
public sealed class ReferrersClient(RegistryClient client)
{
    /// <summary>The most pages of one referrers answer followed.</summary>
    public const int MaxPages = 20;

    private int _noApi;

    /// <summary>True once the registry answered 404 to the referrers API: it has none, and it is not asked again.</summary>
    public bool HasNoApi => Volatile.Read(ref _noApi) == 1;

    public RegistryClient Client => client;

    /// <summary>
    /// The descriptors the referrers API lists for <paramref name="subject"/>, filtered by
    /// <paramref name="artifactType"/> (by the registry when it says so in <c>OCI-Filters-Applied</c>, else here);
    /// null when the registry has no referrers API (404).
    /// </summary>
    public async Task<IReadOnlyList<Descriptor>?> ListAsync(string repository, Digest subject, string? artifactType, CancellationToken cancellationToken)
    {
        if (HasNoApi) return null;
        var what = $"referrers of {repository}@{subject}";
        var result = new List<Descriptor>();
        string? path = $"v2/{repository}/referrers/{subject}" + (artifactType is null ? "" : $"?artifactType={Uri.EscapeDataString(artifactType)}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (path is not null && seen.Add(path))
        {
            if (seen.Count > MaxPages) throw new InvalidManifestException($"{what}: more than {MaxPages} pages");
            var page = path;
            var (descriptors, filtered, next) = await client.WithRetriesAsync(async ct =>
            {
                using var response = await client.SendAsync(HttpMethod.Get, page, RegistryClient.PullScope(repository), request =>
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciIndex)), ct).ConfigureAwait(false);
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed && result.Count == 0)
                    return ((IReadOnlyList<Descriptor>?)null, false, (string?)null);
                await client.EnsureSuccessAsync(response, what, ct).ConfigureAwait(false);
                var bytes = await RegistryClient.ReadLimitedAsync(response, ManifestParser.MaxDocumentSize, what, ct).ConfigureAwait(false);
                if (ManifestParser.Parse(bytes, response.Content.Headers.ContentType?.MediaType, "referrers index") is not ImageIndex index)
                    throw new InvalidManifestException($"{what}: the registry answered with an image manifest, not an index");
                var applied = response.Headers.TryGetValues("OCI-Filters-Applied", out var values)
                    && values.SelectMany(v => v.Split(',')).Any(v => v.Trim() == "artifactType");
                var link = LinkHeader.NextPath(response.Headers.TryGetValues("Link", out var links) ? links : [], client.BaseUri);
                return (index.Manifests, applied, link);
            }, cancellationToken).ConfigureAwait(false);
            if (descriptors is null)
            {
                Interlocked.Exchange(ref _noApi, 1);
                return null;
            }
            result.AddRange(artifactType is null || filtered ? descriptors : descriptors.Where(d => d.ArtifactType == artifactType));
            path = next;
        }
        return result;
    }

    /// <summary>The manifests the referrers tag schema's index (tag <c>sha256-&lt;hex&gt;</c>) lists; empty when there is none.</summary>
    public async Task<IReadOnlyList<Descriptor>> ListByTagSchemaAsync(string repository, Digest subject, CancellationToken cancellationToken)
    {
        var tag = ReferrerTags.FallbackTag(subject);
        var answer = await TryGetManifestAsync(repository, tag, cancellationToken).ConfigureAwait(false);
        if (answer is null) return [];
        return ManifestParser.Parse(answer.Bytes.Span, answer.ContentType, $"referrers index {repository}:{tag}") is ImageIndex index
            ? index.Manifests
            : throw new InvalidManifestException($"{repository}:{tag} should be a referrers index but is an image manifest");
    }

    /// <summary>A manifest by tag or digest; null when the registry does not have it (404).</summary>
    public async Task<ManifestResponse?> TryGetManifestAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }
}
