using System.Net.Http.Headers;
using System.Text.Json.Serialization;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;
using McrExport.Registry.Referrers;

namespace McrExport.Push;

/// <summary>
/// Puts referrers (signatures, SBOMs, attestations) into a registry keeping their digests: the manifest is put by
/// digest with its original bytes; a registry with the referrers API says so with an <c>OCI-Subject</c> header on
/// that answer and indexes it itself. Otherwise the referrers tag schema is kept: the index tagged
/// <c>sha256-&lt;hex of the subject&gt;</c> is read (or started) and put again with the referrer's descriptor added.
/// A cosign-style referrer is put under its tag (<c>sha256-&lt;hex&gt;.sig</c>).
/// See https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-manifests-with-subject.
/// </summary>
public sealed class ReferrerPusher(BlobUploader uploader)
{
    private readonly ReferrersClient _reader = new(uploader.Client);

    /// <summary>How the referrer was recorded: by the registry's referrers API, in the tag schema's index, or under a cosign tag.</summary>
    public enum Recorded { ByApi, ByTagSchema, ByCosignTag }

    /// <summary>Puts <paramref name="referrer"/>'s manifest (its blobs must be there) and records it for its subject.</summary>
    public async Task<Recorded> PutAsync(string repository, Referrer referrer, CancellationToken cancellationToken)
    {
        var bytes = referrer.ManifestBytes.ToArray();
        if (referrer.Tag is { } tag)
        {
            await uploader.PutManifestAsync(repository, tag, bytes, referrer.Descriptor.MediaType, cancellationToken).ConfigureAwait(false);
            return Recorded.ByCosignTag;
        }
        var client = uploader.Client;
        var byApi = await client.WithRetriesAsync(async ct =>
        {
            var what = $"referrer {repository}@{referrer.Descriptor.Digest}";
            using var response = await client.SendAsync(HttpMethod.Put, $"v2/{repository}/manifests/{referrer.Descriptor.Digest}",
                BlobUploader.PushScope(repository), request =>
                {
                    request.Content = new ByteArrayContent(bytes);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(referrer.Descriptor.MediaType);
                }, ct).ConfigureAwait(false);
            await client.EnsureSuccessAsync(response, what, ct).ConfigureAwait(false);
            return response.Headers.TryGetValues("OCI-Subject", out var subjects) && subjects.Any(s => s.Trim() == referrer.Subject.ToString());
        }, cancellationToken).ConfigureAwait(false);
        if (byApi) return Recorded.ByApi;
        await AddToTagSchemaIndexAsync(repository, referrer, cancellationToken).ConfigureAwait(false);
        return Recorded.ByTagSchema;
    }

    /// <summary>Reads the subject's tag schema index (or an empty one), adds the referrer when it is not listed, and puts it.</summary>
    private async Task AddToTagSchemaIndexAsync(string repository, Referrer referrer, CancellationToken cancellationToken)
    {
        var listed = await _reader.ListByTagSchemaAsync(repository, referrer.Subject, cancellationToken).ConfigureAwait(false);
        if (listed.Any(d => d.Digest == referrer.Descriptor.Digest)) return;
        if (listed.Count >= 10_000) throw new RegistryException($"the referrers index {repository}:{Referrer.FallbackTag(referrer.Subject)} is full");
        var index = new TagSchemaIndex(2, MediaTypes.OciIndex, [.. listed, referrer.ListingDescriptor]);
        await uploader.PutManifestAsync(repository, Referrer.FallbackTag(referrer.Subject), OutputJson.Serialize(index), MediaTypes.OciIndex, cancellationToken)
            .ConfigureAwait(false);
    }

    private sealed record TagSchemaIndex(
        [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
        [property: JsonPropertyName("mediaType")] string MediaType,
        [property: JsonPropertyName("manifests")] IReadOnlyList<Descriptor> Manifests);
}
