using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Push;

/// <summary>
/// Where each entry of a set goes in a registry: one entry to <c>registry/repository[:tag]</c> (the tag defaults to
/// the entry's, else <c>latest</c>), or with <c>all</c> every entry under its own name, to a registry host (full names)
/// or to <c>registry/repository</c> (entries whose names are tags only, as skopeo and podman write them).
/// </summary>
public static class PushTargets
{
    public static (string Host, IReadOnlyList<PushTarget> Targets) Resolve(ImageSet set, string destination, bool all)
    {
        var entries = set.Entries;
        if (entries.Count == 0) throw new UsageException("the archive holds no image");
        if (all)
        {
            var slash = destination.IndexOf('/');
            var hostPart = slash < 0 ? destination : destination[..slash];
            var host = ImageReference.Parse($"{hostPart}/probe").Registry;
            if (!string.Equals(host, hostPart, StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"'{hostPart}' is not a registry host; give HOST:PORT or a name with a dot");
            string? repository = null;
            if (slash >= 0)
            {
                var named = ImageReference.Parse(destination);
                if (named.Digest is not null || destination[(destination.LastIndexOf('/') + 1)..].Contains(':'))
                    throw new UsageException($"with --all the destination is a registry host or host/repository, without tag or digest: '{destination}'");
                repository = named.Repository;
            }
            var targets = entries.Select(entry => entry switch
            {
                { Reference: { Tag: { } tag } reference } when repository is null => new PushTarget(entry, reference.Repository, tag),
                { Tag: { } tag } when repository is not null => new PushTarget(entry, repository, tag),
                { RefName: not null } => throw new UsageException($"the archive's image {entry.Node.Digest} is named by the tag '{entry.RefName}' only; give the repository: {host}/REPOSITORY")
                {
                    Hint = $"for example: {host}/myimage --all",
                },
                _ => throw new UsageException($"the archive's image {entry.Node.Digest} has no name with a tag; push it alone to a named repository"),
            }).ToList();
            return (host, targets);
        }

        if (entries.Count > 1)
            throw new UsageException($"the archive holds {entries.Count} images ({string.Join(", ", entries.Select(e => e.DisplayName))}); use --all to push them all");
        var target = ImageReference.Parse(destination);
        if (target.Digest is not null) throw new UsageException("the destination takes a tag, not a digest (the digest is the archive's)");
        var explicitTag = destination[(destination.LastIndexOf('/') + 1)..].Contains(':');
        var entry = entries[0];
        var chosen = explicitTag ? target.Tag! : entry.Tag ?? "latest";
        if (!ImageReference.IsValidTag(chosen)) chosen = "latest";
        return (target.Registry, [new PushTarget(entry, target.Repository, chosen)]);
    }
}
