using McrExport.Archive;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Verify;

namespace McrExport.Push;

/// <summary>
/// Before the first request of a push or copy from an archive: every blob that may be uploaded is read once and
/// checked against its descriptor (size, digest), each distinct digest once however often it is named, in the
/// archive's file order; the <c>oci-layout</c> version is checked too. An archive that does not hold what its
/// manifests say fails here with an <see cref="IntegrityException"/>, and nothing is sent. (The upload then hashes
/// again what it sends, so a file changed after this check is caught before the final request too.)
/// </summary>
public static class ArchivePreflight
{
    public static async Task CheckAsync(ArchiveBlobReader blobs, ImageSet set, ForeignLayerMode foreign, CancellationToken cancellationToken)
    {
        var archive = blobs.Archive;
        var problems = new List<string>();
        if (LayoutVersion.Check(archive) is { } layout) problems.Add(layout);
        var wanted = new Dictionary<Digest, Descriptor>();
        foreach (var node in set.Nodes)
        {
            if (node is IndexNode) continue;
            foreach (var blob in node.Blobs)
                if (!(blob.IsForeign && foreign == ForeignLayerMode.LeaveForeign))
                    wanted.TryAdd(blob.Digest, blob);
        }

        var present = new List<(ArchiveEntry Entry, Descriptor Blob)>();
        foreach (var blob in wanted.Values)
        {
            if (blobs.NameOf(blob.Digest) is not { } name || !archive.Entries.TryGetValue(name, out var entry))
            {
                problems.Add($"{archive.Where(Output.LayoutBlob.PathOf(blob.Digest))}: missing; the archive cannot be pushed");
                continue;
            }
            if (entry.Size != blob.Size)
            {
                problems.Add($"{archive.Where(name)}: {entry.Size} bytes, but its descriptor says {blob.Size}");
                continue;
            }
            present.Add((entry, blob));
        }
        // A file behind several names (links in a docker save) is read once; in a tar, in file order.
        foreach (var (entry, blob) in present.DistinctBy(p => (p.Entry.Offset, p.Entry.Size, p.Blob.Digest, archive.IsFolder ? p.Entry.Name : "")).OrderBy(p => p.Entry.Offset))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var where = archive.Where(entry.Name);
            try
            {
                await using var stream = archive.OpenRead(entry.Name);
                var scan = await BlobScan.RunAsync(stream, blob.Digest.Algorithm, null, cancellationToken).ConfigureAwait(false);
                if (scan.Size != blob.Size) problems.Add($"{where}: only {scan.Size} of its {blob.Size} bytes could be read");
                else if (scan.Digest != blob.Digest) problems.Add($"{where}: the content hashes to {scan.Digest}, not to {blob.Digest}");
            }
            catch (IntegrityException e)
            {
                problems.Add(e.Message);
            }
        }
        if (problems.Count > 0)
            throw new IntegrityException($"{problems[0]}{(problems.Count > 1 ? $" (and {problems.Count - 1} more problems)" : "")}; nothing was sent")
            {
                Hint = $"run 'mcr-export verify {archive.Location}' for the full list",
            };
    }
}
