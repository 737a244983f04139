using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Registry.Referrers;

/// <summary>
/// Finds what travels with an image in its repository: the referrers of its manifest (through the referrers API, or
/// the referrers tag schema's index when the registry has no API), cosign's <c>.sig</c>, <c>.att</c> and
/// <c>.sbom</c> tags, and recursively the referrers of those (a signature of an SBOM), within
/// <see cref="ReferrerLimits"/>. Every manifest is fetched by digest and checked against it; a listed manifest whose
/// <c>subject</c> is not the digest it was listed for is not taken.
/// </summary>
public sealed class ReferrerDiscovery(ReferrersClient referrers, ReferrerLimits? limits = null, Action<string>? warn = null)
{
    private readonly ReferrerLimits _limits = limits ?? ReferrerLimits.Default;

    /// <summary>
    /// The referrers of <paramref name="subject"/>, parents before children. <paramref name="artifactType"/> filters
    /// the subject's own referrers; what refers to those comes along whatever its type.
    /// </summary>
    public async Task<IReadOnlyList<SetEntry>> DiscoverAsync(string repository, Digest subject, string? artifactType, CancellationToken cancellationToken)
    {
        var found = new List<SetEntry>();
        var seen = new HashSet<Digest> { subject };
        long blobBytes = 0;
        var level = new List<Digest> { subject };
        for (var depth = 1; level.Count > 0; depth++)
        {
            var next = new List<Digest>();
            foreach (var parent in level)
            {
                if (depth > _limits.MaxDepth)
                    throw new IntegrityException($"the referrers of {repository}@{subject} nest deeper than {_limits.MaxDepth} levels; refused");
                var filter = depth == 1 ? artifactType : null;
                foreach (var (listing, tag) in await CandidatesAsync(repository, parent, filter, cancellationToken).ConfigureAwait(false))
                {
                    if (!seen.Add(listing.Digest)) continue;
                    var referrer = await FetchAsync(repository, parent, listing, tag, cancellationToken).ConfigureAwait(false);
                    if (referrer is null) continue;
                    var artifact = (Artifact)referrer.Node;
                    if (filter is not null && tag is null && (artifact.Descriptor.ArtifactType ?? artifact.ArtifactType) != filter) continue;
                    if (found.Count >= _limits.MaxCount)
                        throw new IntegrityException($"{repository}@{subject} has more than {_limits.MaxCount} referrers; refused");
                    blobBytes += artifact.Blobs.Sum(b => b.Size);
                    if (blobBytes > _limits.MaxBlobBytes)
                        throw new IntegrityException($"the referrers of {repository}@{subject} take more than {Content.DiskErrors.FormatSize(_limits.MaxBlobBytes)}; refused");
                    found.Add(referrer);
                    next.Add(artifact.Digest);
                }
            }
            level = next;
        }
        return found;
    }

    /// <summary>What refers to <paramref name="subject"/>: listed by the API or the tag schema, and cosign's tags.</summary>
    private async Task<List<(Descriptor Listing, string? Tag)>> CandidatesAsync(string repository, Digest subject, string? artifactType,
        CancellationToken cancellationToken)
    {
        var listed = await referrers.ListAsync(repository, subject, artifactType, cancellationToken).ConfigureAwait(false)
                     ?? (await referrers.ListByTagSchemaAsync(repository, subject, cancellationToken).ConfigureAwait(false))
                         .Where(d => artifactType is null || d.ArtifactType is null || d.ArtifactType == artifactType).ToList();
        var candidates = listed.Where(d => MediaTypes.IsImageManifest(d.MediaType) || Unsupported(repository, subject, d))
            .Select(d => (d, (string?)null)).ToList();
        if (artifactType is not null) return candidates;
        foreach (var suffix in ReferrerTags.CosignSuffixes)
        {
            var tag = ReferrerTags.CosignTag(subject, suffix);
            if (await referrers.TryGetManifestAsync(repository, tag, cancellationToken).ConfigureAwait(false) is not { } answer) continue;
            var mediaType = answer.ContentType is { } type && MediaTypes.IsImageManifest(type) ? type : MediaTypes.OciManifest;
            candidates.Add((new Descriptor(mediaType, answer.Digest, answer.Bytes.Length), tag));
        }
        return candidates;
    }

    private bool Unsupported(string repository, Digest subject, Descriptor listing)
    {
        warn?.Invoke($"{repository}@{subject.Short}: referrer {listing.Digest.Short} is a {listing.MediaType}, which is not carried");
        return false;
    }

    /// <summary>The referrer as an entry of the set: an artifact (its bytes as served), with its cosign tag on its descriptor when it has one.</summary>
    private async Task<SetEntry?> FetchAsync(string repository, Digest subject, Descriptor listing, string? tag, CancellationToken cancellationToken)
    {
        var answer = await referrers.Client.GetManifestAsync(repository, listing.Digest.ToString(), cancellationToken).ConfigureAwait(false);
        if (answer.Bytes.Length != listing.Size && tag is null)
            throw new DigestMismatchException($"referrer {repository}@{listing.Digest}: {answer.Bytes.Length} bytes, but it is listed with {listing.Size}");
        if (ManifestParser.Parse(answer.Bytes.Span, answer.ContentType ?? listing.MediaType, $"referrer {listing.Digest.Short}") is not ImageManifest manifest)
        {
            warn?.Invoke($"{repository}@{subject.Short}: referrer {listing.Digest.Short} is an index, which is not carried");
            return null;
        }
        if (tag is null && manifest.Subject?.Digest != subject)
        {
            warn?.Invoke($"{repository}@{subject.Short}: {listing.Digest.Short} is listed as a referrer but its subject is {manifest.Subject?.Digest.ToString() ?? "missing"}; not carried");
            return null;
        }
        var annotations = listing.Annotations ?? manifest.Annotations;
        if (tag is not null)
            annotations = new Dictionary<string, string>(annotations ?? new Dictionary<string, string>()) { [ReferrerTags.CosignTagAnnotation] = tag };
        var descriptor = new Descriptor(manifest.MediaType, answer.Digest, answer.Bytes.Length)
        {
            ArtifactType = ReferrerKinds.ArtifactTypeOf(manifest, listing),
            Annotations = annotations is { Count: > 0 } ? annotations : null,
        };
        return new SetEntry(new Artifact(descriptor, answer.Bytes, manifest));
    }
}
