using McrExport.Model;

namespace McrExport.Registry.Referrers;

/// <summary>
/// The registry as a source of referrers: for every manifest of the resolved entries (an image; a whole index and
/// its children), what refers to it in its own repository, each referrer once, as artifact entries for the set,
/// with the client and repository their blobs are fetched from.
/// </summary>
public sealed class ReferrerSource(RegistryClientPool registries, ReferrerLimits? limits = null, Action<string>? warn = null)
{
    public async Task<IReadOnlyList<(SetEntry Entry, RegistryClient Client, string Repository)>> DiscoverAsync(
        IReadOnlyList<(SetEntry Entry, RegistryClient Client)> resolved, string? artifactType, CancellationToken cancellationToken)
    {
        var clients = new Dictionary<RegistryClient, ReferrersClient>();
        var subjects = resolved
            .Where(r => r.Entry.Reference is not null && !ReferrerGraph.IsReferrer(r.Entry))
            .SelectMany(r => r.Entry.Node.Nodes.Where(n => n is not Artifact).Select(n => (Reference: r.Entry.Reference!, n.Digest)))
            .DistinctBy(s => (s.Reference.Registry, s.Reference.Repository, s.Digest));
        var found = new List<(SetEntry, RegistryClient, string)>();
        var seen = resolved.Select(r => r.Entry.Node.Digest).ToHashSet();
        foreach (var (reference, digest) in subjects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var client = registries.For(reference);
            if (!clients.TryGetValue(client, out var referrersClient)) clients[client] = referrersClient = new ReferrersClient(client);
            var discovery = new ReferrerDiscovery(referrersClient, limits, warn);
            foreach (var referrer in await discovery.DiscoverAsync(reference.Repository, digest, artifactType, cancellationToken).ConfigureAwait(false))
                if (seen.Add(referrer.Node.Digest)) found.Add((referrer, client, reference.Repository));
        }
        return found;
    }
}
