using McrExport.Archive;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;
using McrExport.Verify;

namespace McrExport.Push;

/// <summary>
/// Before the first request of a push: every blob that may be uploaded is read once and checked against its
/// descriptor (size, digest), each distinct digest once however often it is named, in the archive's file order. An
/// archive that does not hold what its manifests say fails here with an <see cref="IntegrityException"/>, and
/// nothing is sent. (The upload then hashes again what it sends, so a file changed after this check is caught too.)
/// </summary>
public static class ArchivePreflight
{
    public static async Task CheckAsync(ImageArchive archive, IReadOnlyList<PushTarget> targets, ForeignLayerMode foreign, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (LayoutVersion.Check(archive) is { } layout) problems.Add(layout);
        var blobs = new Dictionary<Digest, Descriptor>();
        foreach (var image in targets.SelectMany(t => t.Top.Images).DistinctBy(i => i.ManifestDescriptor.Digest))
            foreach (var blob in image.Manifest.Layers.Prepend(image.Manifest.Config))
                if (!(blob.IsForeign && foreign == ForeignLayerMode.LeaveForeign))
                    blobs.TryAdd(blob.Digest, blob);

        var present = new List<(ArchiveEntry Entry, Descriptor Blob)>();
        foreach (var blob in blobs.Values)
        {
            var name = LayoutBlob.PathOf(blob.Digest);
            if (!archive.Entries.TryGetValue(name, out var entry)) { problems.Add($"{ArchiveCatalog.Where(archive, name)}: missing; the archive cannot be pushed"); continue; }
            if (entry.Size != blob.Size)
            {
                problems.Add($"{ArchiveCatalog.Where(archive, name)}: {entry.Size} bytes, but its descriptor says {blob.Size}");
                continue;
            }
            present.Add((entry, blob));
        }
        foreach (var (entry, blob) in present.OrderBy(p => p.Entry.Offset))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var where = ArchiveCatalog.Where(archive, entry.Name);
            await using var stream = archive.OpenRead(entry.Name);
            var scan = await BlobScan.RunAsync(stream, blob.Digest.Algorithm, null, cancellationToken).ConfigureAwait(false);
            if (scan.Size != blob.Size) problems.Add($"{where}: only {scan.Size} of its {blob.Size} bytes could be read");
            else if (scan.Digest != blob.Digest) problems.Add($"{where}: the content hashes to {scan.Digest}, not to its name");
        }
        if (problems.Count > 0)
            throw new IntegrityException($"{problems[0]}{(problems.Count > 1 ? $" (and {problems.Count - 1} more problems)" : "")}; nothing was sent")
            {
                Hint = $"run 'mcr-export verify {archive.Location}' for the full list",
            };
    }
}
