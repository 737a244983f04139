namespace McrExport.Model;

/// <summary>
/// Which entries of an <see cref="ImageSet"/> travel with another manifest (signatures, SBOMs, attestations): an
/// artifact entry whose manifest has a <c>subject</c>, or one found by a cosign-style tag (<c>sha256-&lt;hex&gt;.sig</c>,
/// kept on its descriptor). The set holds them as ordinary entries; this reads the relation out of it.
/// </summary>
public static class ReferrerGraph
{
    /// <summary>The digest <paramref name="entry"/> refers to; null when it is not a referrer.</summary>
    public static Digest? SubjectOf(SetEntry entry) =>
        entry.Node is Artifact artifact ? artifact.Subject?.Digest ?? ReferrerTags.SubjectOfCosignTag(CosignTagOf(entry)) : null;

    public static bool IsReferrer(SetEntry entry) => SubjectOf(entry) is not null;

    /// <summary>
    /// The cosign-style tag the entry goes by, when it does: kept on its descriptor
    /// (<see cref="ReferrerTags.CosignTagAnnotation"/>), or its tag-only name.
    /// </summary>
    public static string? CosignTagOf(SetEntry entry)
    {
        if (entry.Node is not Artifact artifact) return null;
        if (artifact.Descriptor.Annotations?.GetValueOrDefault(ReferrerTags.CosignTagAnnotation) is { } kept
            && ReferrerTags.SubjectOfCosignTag(kept) is not null) return kept;
        return ReferrerTags.SubjectOfCosignTag(entry.RefName) is not null ? entry.RefName : null;
    }

    /// <summary>"Notary signature", "SPDX SBOM", "cosign signature", …</summary>
    public static string KindOf(SetEntry entry) =>
        entry.Node is Artifact artifact ? ReferrerKinds.Describe(artifact.Descriptor.ArtifactType ?? artifact.ArtifactType, CosignTagOf(entry)) : "";

    /// <summary>The entries of <paramref name="set"/> that are not referrers (what a command names and moves).</summary>
    public static IReadOnlyList<SetEntry> Subjects(ImageSet set) => set.Entries.Where(e => !IsReferrer(e)).ToList();

    /// <summary>The referrers of <paramref name="subject"/> and, recursively, theirs (a signature of an SBOM), parents first, each once.</summary>
    public static IReadOnlyList<SetEntry> ReferrersOf(ImageSet set, Digest subject)
    {
        var referrers = set.Entries.Where(IsReferrer).DistinctBy(e => e.Node.Digest).ToList();
        var found = new List<SetEntry>();
        var seen = new HashSet<Digest> { subject };
        var level = new HashSet<Digest> { subject };
        while (level.Count > 0)
        {
            var next = new HashSet<Digest>();
            foreach (var referrer in referrers.Where(r => level.Contains(SubjectOf(r)!.Value)))
            {
                if (!seen.Add(referrer.Node.Digest)) continue;
                next.Add(referrer.Node.Digest);
                found.Add(referrer);
            }
            level = next;
        }
        return found;
    }

    /// <summary>The referrers of every manifest of <paramref name="entry"/> (an index and its children), each once.</summary>
    public static IReadOnlyList<SetEntry> ReferrersOf(ImageSet set, SetEntry entry) =>
        entry.Node.Nodes.SelectMany(n => ReferrersOf(set, n.Digest)).DistinctBy(r => r.Node.Digest).ToList();

    /// <summary>"1 Notary signature, 1 SPDX SBOM" for what travels with <paramref name="subject"/>; empty when nothing does.</summary>
    public static string Summarize(ImageSet set, Digest subject) => ReferrerKinds.Summarize(ReferrersOf(set, subject).Select(KindOf));
}
