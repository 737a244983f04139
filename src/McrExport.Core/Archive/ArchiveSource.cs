using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>
/// An archive as a source, whoever made it, recognised from its content: <c>index.json</c> (an OCI layout, with the
/// registry's manifests kept byte for byte) and/or <c>manifest.json</c> (docker load). When the layout names no
/// image (a classic <c>docker save</c>, or Docker 25.0's <c>"manifests": null</c>), the images come from
/// <c>manifest.json</c> with manifests built from their configs and layer files.
/// </summary>
public static class ArchiveSource
{
    /// <summary>Opens a tar or a folder and reads it.</summary>
    public static ArchiveContent Open(string path) => Read(ImageArchive.Open(path));

    public static ArchiveContent Read(ImageArchive archive)
    {
        var problems = new List<string>(archive.Problems);
        var hasIndex = archive.Contains(OciLayoutContent.IndexFileName);
        var hasManifest = archive.Contains(DockerArchiveManifest.ManifestFileName);
        var entries = hasIndex ? OciLayoutReader.Read(archive, problems).ToList() : [];
        var docker = hasManifest ? DockerArchiveReader.Read(archive, problems) : [];
        if (!hasIndex && !hasManifest)
            problems.Add($"{archive.Location}: has neither index.json nor manifest.json; it is not an image archive");

        var files = new Dictionary<Digest, string>();
        if (entries.Count == 0)
        {
            // Entries of one config and layer files share one node (the reader shares their layer list).
            var nodes = new Dictionary<IReadOnlyList<DockerArchiveLayer>, Image>(ReferenceEqualityComparer.Instance);
            foreach (var image in docker.Where(d => d.Complete))
            {
                if (!nodes.TryGetValue(image.Layers, out var node)) nodes[image.Layers] = node = DockerArchiveReader.ToImage(image);
                files.TryAdd(image.ConfigDigest, image.ConfigPath);
                foreach (var layer in image.Layers) files.TryAdd(layer.Digest, layer.Path);
                var names = image.RepoTags.Select(DockerArchiveReader.ParseRepoTag).OfType<ImageReference>().ToList();
                if (names.Count == 0) entries.Add(new SetEntry(node));
                else entries.AddRange(names.Select(n => new SetEntry(node, n)));
            }
        }
        else if (docker.Count > 0)
        {
            entries = NameFromRepoTags(entries, docker);
        }

        var kind = hasIndex && hasManifest ? ArchiveKind.DockerAndOci : hasIndex ? ArchiveKind.OciLayout : ArchiveKind.Docker;
        return new ArchiveContent(archive, kind, new ImageSet(entries), new ArchiveBlobReader(archive, files), docker, hasIndex, problems);
    }

    /// <summary>An image entry of the layout without a name takes the <c>RepoTags</c> manifest.json gives its config.</summary>
    private static List<SetEntry> NameFromRepoTags(List<SetEntry> entries, IReadOnlyList<DockerArchiveImage> docker)
    {
        var result = new List<SetEntry>();
        foreach (var entry in entries)
        {
            if (entry.Reference is not null || entry.RefName is not null || entry.Node is not Image image)
            {
                result.Add(entry);
                continue;
            }
            var names = docker.Where(d => d.ConfigDigest == image.Manifest.Config.Digest)
                .SelectMany(d => d.RepoTags).Distinct().Select(DockerArchiveReader.ParseRepoTag).OfType<ImageReference>().ToList();
            if (names.Count == 0) result.Add(entry);
            else result.AddRange(names.Select(n => entry with { Reference = n }));
        }
        return result;
    }

    /// <summary>
    /// <see cref="OpenChecked(string)"/>, with every part of a split archive (<c>NAME.001</c>, …, <c>NAME.sha256</c>)
    /// hashed and checked against <c>NAME.sha256</c> first, so a damaged part is named before anything moves: for a
    /// copy into an archive, which does not hash the blobs it moves on its own.
    /// </summary>
    public static async Task<ArchiveContent> OpenCheckedAsync(string path, CancellationToken cancellationToken)
    {
        var archive = ImageArchive.Open(path);
        if (archive.Parts is { } parts) FailOn(await parts.CheckAsync(cancellationToken).ConfigureAwait(false), parts);
        return Checked(Read(archive));
    }

    /// <summary>
    /// Reads an archive for a command that moves it: every problem fails it at once, before the network. A split
    /// archive's parts are checked by their shape (all there, sizes, listed in <c>NAME.sha256</c>); their bytes are
    /// checked by the blob hashes of the push that follows.
    /// </summary>
    public static ArchiveContent OpenChecked(string path)
    {
        var archive = ImageArchive.Open(path);
        if (archive.Parts is { } parts) FailOn(parts.CheckShape(), parts);
        return Checked(Read(archive));
    }

    private static void FailOn(IReadOnlyList<string> problems, PartSet parts)
    {
        if (problems.Count > 0)
            throw new IntegrityException($"{problems[0]}{(problems.Count > 1 ? $" (and {problems.Count - 1} more problems)" : "")}")
            { Hint = $"run 'mcr-export verify {parts.ChecksumPath}' for the full list" };
    }

    private static ArchiveContent Checked(ArchiveContent content)
    {
        if (content.Problems.Count > 0)
            throw new IntegrityException($"{content.Problems[0]}{(content.Problems.Count > 1 ? $" (and {content.Problems.Count - 1} more problems)" : "")}")
            { Hint = $"run 'mcr-export verify {content.Archive.Location}' for the full list" };
        if (content.Set.Entries.Count == 0) throw new UsageException($"{content.Archive.Location} holds no image");
        return content;
    }
}
