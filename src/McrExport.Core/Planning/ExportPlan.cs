using McrExport.Model;
using McrExport.Registry;

namespace McrExport.Planning;

/// <summary>A blob to fetch and the sources to try, in order.</summary>
public sealed record PlannedBlob(Descriptor Descriptor, IReadOnlyList<BlobSource> Sources);

/// <summary>The set to write and every distinct blob it needs from the registry (a layer shared by several images appears once).</summary>
public sealed record ExportPlan(ImageSet Set, IReadOnlyList<PlannedBlob> Blobs)
{
    public long TotalBytes => Blobs.Sum(b => b.Descriptor.Size);

    /// <summary>
    /// Plans the blobs of resolved entries: every image's layers, every artifact's config and layers (image configs
    /// were fetched while resolving). Ordinary blobs come from the registry. Foreign layers are tried at the registry
    /// first, then at each of their <c>urls</c> in order (as Docker and go-containerregistry do).
    /// </summary>
    public static ExportPlan Create(IReadOnlyList<(SetEntry Entry, RegistryClient Client)> entries) =>
        Create(entries.Select(e => (e.Entry, e.Client, e.Entry.Reference!.Repository)).ToList());

    /// <summary>
    /// The same for entries that are fetched from a repository other than their name says, or that have no name:
    /// referrers (signatures, SBOMs) come from their subject's repository.
    /// </summary>
    public static ExportPlan Create(IReadOnlyList<(SetEntry Entry, RegistryClient Client, string Repository)> entries)
    {
        var blobs = new Dictionary<Digest, PlannedBlob>();
        foreach (var (entry, client, repository) in entries)
        foreach (var node in entry.Node.Nodes)
        {
            var needed = node switch
            {
                Image image => image.Manifest.Layers,
                Artifact artifact => artifact.Blobs,
                _ => [],
            };
            foreach (var blob in needed)
            {
                if (blobs.ContainsKey(blob.Digest)) continue;
                var sources = new List<BlobSource> { new RegistryBlobSource(client, repository) };
                if (blob.IsForeign && blob.Urls is { } urls) sources.AddRange(urls.Select(u => new UrlBlobSource(u)));
                blobs[blob.Digest] = new PlannedBlob(blob, sources);
            }
        }
        return new ExportPlan(new ImageSet(entries.Select(e => e.Entry).ToList()), blobs.Values.ToList());
    }
}
