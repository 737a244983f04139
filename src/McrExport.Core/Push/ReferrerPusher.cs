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
    public async Task<Recorded> PutAsync(string repository, SetEntry referrer, CancellationToken cancellationToken)
    {
        var node = referrer.Node;
        var subject = ReferrerGraph.SubjectOf(referrer) ?? throw new ArgumentException($"{referrer.DisplayName} is not a referrer", nameof(referrer));
        var bytes = node.Bytes.ToArray();
        if (ReferrerGraph.CosignTagOf(referrer) is { } tag)
        {
            await uploader.PutManifestAsync(repository, tag, bytes, node.Descriptor.MediaType, cancellationToken).ConfigureAwait(false);
            return Recorded.ByCosignTag;
        }
        var client = uploader.Client;
        var byApi = await client.WithRetriesAsync(async ct =>
        {
            var what = $"referrer {repository}@{node.Digest}";
            using var response = await client.SendAsync(HttpMethod.Put, $"v2/{repository}/manifests/{node.Digest}",
                BlobUploader.PushScope(repository), request =>
                {
                    request.Content = new ByteArrayContent(bytes);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(node.Descriptor.MediaType);
                }, ct).ConfigureAwait(false);
            await client.EnsureSuccessAsync(response, what, ct).ConfigureAwait(false);
            return response.Headers.TryGetValues("OCI-Subject", out var subjects) && subjects.Any(s => s.Trim() == subject.ToString());
        }, cancellationToken).ConfigureAwait(false);
        if (byApi) return Recorded.ByApi;
        await AddToTagSchemaIndexAsync(repository, subject, ListingOf((Artifact)node), cancellationToken).ConfigureAwait(false);
        return Recorded.ByTagSchema;
    }

    /// <summary>Reads the subject's tag schema index (or an empty one), adds the referrer when it is not listed, and puts it.</summary>
    private async Task AddToTagSchemaIndexAsync(string repository, Digest subject, Descriptor listing, CancellationToken cancellationToken)
    {
        var listed = await _reader.ListByTagSchemaAsync(repository, subject, cancellationToken).ConfigureAwait(false);
        if (listed.Any(d => d.Digest == listing.Digest)) return;
        if (listed.Count >= 10_000) throw new RegistryException($"the referrers index {repository}:{ReferrerTags.FallbackTag(subject)} is full");
        var index = new TagSchemaIndex(2, MediaTypes.OciIndex, [.. listed, listing]);
        await uploader.PutManifestAsync(repository, ReferrerTags.FallbackTag(subject), OutputJson.Serialize(index), MediaTypes.OciIndex, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The descriptor that lists an artifact in a referrers index: media type, digest, size, artifactType and annotations.</summary>
    public static Descriptor ListingOf(Artifact artifact) => new(artifact.Descriptor.MediaType, artifact.Digest, artifact.Descriptor.Size)
    {
        ArtifactType = artifact.Descriptor.ArtifactType ?? artifact.ArtifactType,
        Annotations = artifact.Manifest.Annotations is { Count: > 0 } a ? a : null,
    };

    internal sealed record TagSchemaIndex(
        [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
        [property: JsonPropertyName("mediaType")] string MediaType,
        [property: JsonPropertyName("manifests")] IReadOnlyList<Descriptor> Manifests);
}
