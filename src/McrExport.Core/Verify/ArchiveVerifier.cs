using System.Collections.Concurrent;
using System.Text.Json;
using McrExport.Archive;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Verify;

/// <summary>
/// Checks an archive offline, whoever made it: every blob against its name, size and (for layers) the config's
/// diff_id, decompressing in the same pass; a classic archive's <c>layer.tar</c> files against their diff_ids and its
/// configs against their names; <c>index.json</c>, <c>manifest.json</c> and <c>repositories</c> against each other;
/// artifacts by their blobs' digests and sizes (no rootfs asked of them). Folders are checked in parallel across
/// files; a tar is read once, in file order.
/// </summary>
public static class ArchiveVerifier
{
    public static Task<VerifyResult> VerifyAsync(string path, CancellationToken cancellationToken) =>
        VerifyAsync(path, BlobScan.DefaultExpansionLimit, cancellationToken);

    /// <summary>
    /// Verifies the archive at <paramref name="path"/>, with a bound on how far one layer may expand
    /// (<see cref="BlobScan.ExpansionLimitOption"/>); <paramref name="observer"/> hears each file as it is read
    /// (progress). A split archive (<c>NAME.001</c>, <c>NAME.sha256</c>) has every part checked against
    /// <c>NAME.sha256</c> first (a missing, short or damaged part is named), then is read as one.
    /// </summary>
    public static async Task<VerifyResult> VerifyAsync(string path, long expansionLimit, CancellationToken cancellationToken, IVerifyObserver? observer = null)
    {
        var archive = ImageArchive.Open(path);
        if (archive.Parts is not { } parts)
            return await VerifyAsync(ArchiveSource.Read(archive), expansionLimit, cancellationToken, observer).ConfigureAwait(false);
        var partProblems = await parts.CheckAsync(cancellationToken).ConfigureAwait(false);
        if (parts.Missing.Count > 0)
            return new VerifyResult([], 0, 0, partProblems.Order(StringComparer.Ordinal).ToList()) { PartsChecked = parts.Parts.Count };
        var result = await VerifyAsync(ArchiveSource.Read(archive), expansionLimit, cancellationToken, observer).ConfigureAwait(false);
        return result with
        {
            Problems = [.. partProblems, .. result.Problems.Where(p => !partProblems.Contains(p))],
            PartsChecked = parts.Parts.Count,
        };
    }

    public static Task<VerifyResult> VerifyAsync(ArchiveContent content, CancellationToken cancellationToken) =>
        VerifyAsync(content, BlobScan.DefaultExpansionLimit, cancellationToken);

    public static async Task<VerifyResult> VerifyAsync(ArchiveContent content, long expansionLimit, CancellationToken cancellationToken,
        IVerifyObserver? observer = null)
    {
        var archive = content.Archive;
        var list = new List<string>(content.Problems);
        var expectations = new Dictionary<string, FileExpectation>(StringComparer.Ordinal);
        var fromLayout = content.HasIndex && content.Set.Entries.Any(e => e.Node is not Image { Synthesized: true });

        var images = new List<VerifiedImage>();
        var artifacts = new List<VerifiedArtifact>();
        if (fromLayout)
        {
            foreach (var node in content.Set.Nodes) ExpectNode(expectations, node);
            images = content.Set.Entries
                .SelectMany(e => e.Node.Nodes.OfType<Image>().Select(i => (Name: NameOf(e), Image: i)))
                .GroupBy(x => x.Image.Digest)
                .Select(g => Report(g.Select(x => x.Name).OfType<string>().Distinct().ToList(), g.First().Image)).ToList();
            var subjects = content.Set.Entries.Where(ReferrerGraph.IsReferrer).DistinctBy(e => e.Node.Digest)
                .ToDictionary(e => e.Node.Digest, e => (Subject: ReferrerGraph.SubjectOf(e)!.Value, Kind: ReferrerGraph.KindOf(e)));
            artifacts = content.Set.Artifacts.Select(a => new VerifiedArtifact(a.Descriptor.ArtifactType ?? a.ArtifactType, a.Digest.ToString(),
                (subjects.TryGetValue(a.Digest, out var s) ? s.Subject : a.Subject?.Digest)?.ToString(),
                a.Manifest.Layers.Count + 1, a.Blobs.Sum(b => b.Size)) { Kind = subjects.TryGetValue(a.Digest, out var k) ? k.Kind : null }).ToList();
            var known = content.Set.Nodes.Select(n => n.Digest).ToHashSet();
            foreach (var (digest, (subject, kind)) in subjects.Where(r => !known.Contains(r.Value.Subject)))
                list.Add($"{archive.Where(LayoutBlob.PathOf(digest))}: the {kind} refers to {subject}, which is not in the archive");
            images = images.Select(i => Digest.TryParse(i.Digest, out var d) ? i with { Carries = ReferrerGraph.Summarize(content.Set, d) } : i).ToList();
            foreach (var (name, expectation) in expectations)
                if (!archive.Contains(name)) list.Add($"{archive.Where(name)}: missing ({expectation.Role})");
        }
        if (content.HasIndex && !archive.Contains(OciLayoutContent.LayoutFileName))
            list.Add($"{archive.Where(OciLayoutContent.LayoutFileName)}: missing beside index.json");
        // With index.json the layout reader has checked oci-layout already.
        if (!content.HasIndex && LayoutVersion.Check(archive) is { } layoutProblem) list.Add(layoutProblem);
        if (archive.Contains(DockerArchiveManifest.ManifestFileName))
            images.AddRange(CheckDockerImages(content, fromLayout, expectations, list));

        var files = new List<(ArchiveEntry Entry, Digest? Named)>();
        foreach (var entry in archive.Entries.Values)
        {
            if (entry.Name.StartsWith("blobs/", StringComparison.Ordinal))
            {
                var parts = entry.Name.Split('/');
                if (parts.Length != 3 || !Digest.TryParse($"{parts[1]}:{parts[2]}", out var digest))
                {
                    list.Add($"{archive.Where(entry.Name)}: not a blob name (blobs/<algorithm>/<hex>)");
                    continue;
                }
                files.Add((entry, digest));
            }
            else if (expectations.ContainsKey(entry.Name))
            {
                files.Add((entry, DockerArchiveReader.DigestInName(entry.Name)));
            }
        }

        var problems = new ConcurrentBag<string>(list);
        long bytes = 0;
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = archive.IsFolder ? Math.Max(2, Environment.ProcessorCount) : 1,
            CancellationToken = cancellationToken,
        };
        // A file behind several names (a shared layer.tar and its links) is read once.
        var distinct = files.GroupBy(f => archive.IsFolder ? f.Entry.Name : f.Entry.Offset.ToString())
            .Select(g => g.OrderBy(f => expectations.ContainsKey(f.Entry.Name) ? 0 : 1).First()).OrderBy(f => f.Entry.Offset).ToList();
        await Parallel.ForEachAsync(distinct, options, async (file, ct) =>
        {
            expectations.TryGetValue(file.Entry.Name, out var expected);
            var where = archive.Where(file.Entry.Name);
            var algorithm = file.Named?.Algorithm ?? Digest.Sha256;
            observer?.Started(file.Entry.Name, file.Entry.Size);
            await using var stream = observer is null ? archive.OpenRead(file.Entry.Name)
                : new Observing.ObservedStream(archive.OpenRead(file.Entry.Name), n => observer.Progress(file.Entry.Name, n));
            var scan = await BlobScan.RunAsync(stream, algorithm, expected?.Compression, expansionLimit, ct).ConfigureAwait(false);
            observer?.Completed(file.Entry.Name);
            Interlocked.Add(ref bytes, scan.Size);
            if (scan.Size != file.Entry.Size)
                problems.Add($"{where}: only {scan.Size} of its {file.Entry.Size} bytes could be read (truncated)");
            if (file.Named is { } named && scan.Digest != named)
                problems.Add($"{where}: the content hashes to {scan.Digest}, not to its name");
            if (expected is null) return;
            if (expected.Size >= 0 && expected.Size != file.Entry.Size)
                problems.Add($"{where}: {file.Entry.Size} bytes, but the {expected.Role} descriptor says {expected.Size}");
            if (scan.DecompressError is { } error)
                problems.Add($"{where}: the {expected.Role} does not decompress ({expected.Compression}): {error}");
            else if (expected.DiffId is { } diffId && scan.DiffId is { } actual && actual != diffId)
                problems.Add($"{where}: the {expected.Role} decompresses to {actual}, but the config's diff_id is {diffId}");
        }).ConfigureAwait(false);

        var ordered = problems.Distinct().Order(StringComparer.Ordinal).ToList();
        return new VerifyResult(images, distinct.Count, bytes, ordered) { Artifacts = artifacts, Kind = content.Kind.ToString() };
    }

    private static string? NameOf(SetEntry entry) => entry.Reference?.ToString() ?? entry.RefName;

    private static void ExpectNode(Dictionary<string, FileExpectation> expectations, ManifestNode node)
    {
        Expect(expectations, node.Digest, new FileExpectation(node.Descriptor.Size, null, null, node is IndexNode ? "index" : "manifest"));
        switch (node)
        {
            case Image image:
                Expect(expectations, image.Manifest.Config.Digest, new FileExpectation(image.Manifest.Config.Size, null, null, "config"));
                for (var i = 0; i < image.Manifest.Layers.Count; i++)
                {
                    var layer = image.Manifest.Layers[i];
                    var isTar = layer.MediaType.Contains(".tar", StringComparison.Ordinal) || layer.MediaType.Contains("rootfs", StringComparison.Ordinal);
                    Expect(expectations, layer.Digest, isTar
                        ? new FileExpectation(layer.Size, MediaTypes.CompressionOf(layer.MediaType), image.Config.DiffIds[i], $"layer {i}")
                        : new FileExpectation(layer.Size, null, null, $"layer {i} ({layer.MediaType})"));
                }
                break;
            case Artifact artifact:
                Expect(expectations, artifact.Manifest.Config.Digest, new FileExpectation(artifact.Manifest.Config.Size, null, null, $"artifact config ({artifact.Manifest.Config.MediaType})"));
                for (var i = 0; i < artifact.Manifest.Layers.Count; i++)
                {
                    var blob = artifact.Manifest.Layers[i];
                    Expect(expectations, blob.Digest, new FileExpectation(blob.Size, null, null, $"artifact blob {i} ({blob.MediaType})"));
                }
                break;
        }
    }

    private static void Expect(Dictionary<string, FileExpectation> expectations, Digest digest, FileExpectation expectation) =>
        expectations.TryAdd(LayoutBlob.PathOf(digest), expectation);

    private static VerifiedImage Report(IReadOnlyList<string> names, Image image) =>
        new(names, image.Platform.ToString(), image.Digest.ToString(), image.Manifest.Layers.Count, image.Size);

    /// <summary>
    /// Checks the docker-load view: each layer file against its diff_id (or the layout's layer), and, with a layout
    /// beside it, that both describe the same images under the same names; then <c>repositories</c>.
    /// </summary>
    private static List<VerifiedImage> CheckDockerImages(ArchiveContent content, bool fromLayout, Dictionary<string, FileExpectation> expectations,
        List<string> problems)
    {
        var archive = content.Archive;
        var where = archive.Where(DockerArchiveManifest.ManifestFileName);
        var reported = new List<VerifiedImage>();
        var layoutImages = fromLayout ? content.Set.Images.GroupBy(i => i.Manifest.Config.Digest).ToDictionary(g => g.Key, g => g.First()) : [];
        var namesByConfig = new Dictionary<Digest, HashSet<string>>();
        if (fromLayout)
            foreach (var entry in content.Set.Entries)
            foreach (var image in entry.Node.Nodes.OfType<Image>())
            {
                if (!namesByConfig.TryGetValue(image.Manifest.Config.Digest, out var names))
                    namesByConfig[image.Manifest.Config.Digest] = names = new HashSet<string>(StringComparer.Ordinal);
                if (entry.Reference?.FamiliarNameWithTag is { } name) names.Add(name);
            }
        var tops = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var tagsByConfig = new Dictionary<Digest, HashSet<string>>();
        Dictionary<(long, long), List<string>>? linkedV1Ids = null;

        foreach (var docker in content.DockerImages)
        {
            layoutImages.TryGetValue(docker.ConfigDigest, out var image);
            foreach (var layer in docker.Layers)
            {
                var i = layer.Index;
                if (image is not null && DockerArchiveReader.DigestInName(layer.Path) == image.Manifest.Layers[i].Digest) continue;
                if (image is not null && layer.Compression != LayerCompression.None)
                {
                    problems.Add($"{where}: layer {i} is '{layer.Path}', which is neither the manifest's layer nor the diff_id");
                    continue;
                }
                expectations.TryAdd(layer.Path, new FileExpectation(-1, layer.Compression, layer.DiffId, $"layer {i}"));
            }

            var repoTags = docker.RepoTags.Select(t => DockerArchiveReader.ParseRepoTag(t)?.FamiliarNameWithTag ?? t).ToHashSet(StringComparer.Ordinal);
            if (fromLayout)
            {
                if (image is null) problems.Add($"{where}: the image with config {docker.ConfigDigest} is not in index.json");
                else if (repoTags.Count > 0 && namesByConfig.GetValueOrDefault(docker.ConfigDigest) is { Count: > 0 } expected)
                {
                    // Two manifests over one config (ctr export of both) are two entries, each with its own names.
                    if (!repoTags.IsSubsetOf(expected))
                        problems.Add($"{where}: RepoTags [{string.Join(", ", docker.RepoTags)}] of {docker.ConfigDigest.Short} disagree with index.json names [{string.Join(", ", expected)}]");
                    else if (!tagsByConfig.TryGetValue(docker.ConfigDigest, out var seen)) tagsByConfig[docker.ConfigDigest] = [.. repoTags];
                    else seen.UnionWith(repoTags);
                }
            }
            else
            {
                reported.Add(new VerifiedImage(docker.RepoTags, docker.Config.Platform.ToString(), docker.ConfigDigest.ToString(), docker.Layers.Count,
                    docker.ConfigBytes.Length + docker.Layers.Sum(l => l.Size)));
            }
            if (docker.Complete && docker.Layers.Count > 0)
            {
                var top = docker.Layers[^1];
                var ids = new List<string> { top.DiffId.Encoded, top.Digest.Encoded };
                if (top.V1Id is { } v1) ids.Insert(0, v1);
                linkedV1Ids ??= LinkedV1Ids(archive);
                if (!archive.IsFolder && archive.Entries.TryGetValue(top.Path, out var topFile)
                    && linkedV1Ids.TryGetValue((topFile.Offset, topFile.Size), out var linked))
                    ids.AddRange(linked.Where(l => $"{l}/layer.tar" != top.Path));
                foreach (var tag in docker.RepoTags) tops[tag] = ids;
            }
        }

        foreach (var (config, seen) in tagsByConfig)
            if (namesByConfig[config] is var expected && !expected.SetEquals(seen))
                problems.Add($"{where}: RepoTags [{string.Join(", ", seen)}] of {config.Short} disagree with index.json names [{string.Join(", ", expected)}]");

        if (fromLayout)
        {
            var dockerConfigs = content.DockerImages.Select(d => d.ConfigDigest).ToHashSet();
            foreach (var entry in content.Set.Entries.Where(e => e.Node is Image).GroupBy(e => ((Image)e.Node).Manifest.Config.Digest))
            {
                var tags = entry.Select(e => e.Reference?.FamiliarNameWithTag).OfType<string>().ToList();
                if (!dockerConfigs.Contains(entry.Key) && tags.Count > 0)
                    problems.Add($"{where}: has no entry for {string.Join(", ", tags)} of index.json");
            }
        }

        if (archive.Contains(DockerArchiveManifest.RepositoriesFileName))
        {
            var known = new HashSet<string>(StringComparer.Ordinal);
            // An unreadable manifest.json is reported already; repositories is not judged against it.
            var readable = true;
            try { known.UnionWith(DockerManifestItem.Parse(archive.ReadSmall(DockerArchiveManifest.ManifestFileName)).SelectMany(i => i.RepoTags)); }
            catch (IntegrityException) { readable = false; }
            if (readable) CheckRepositories(archive, tops, known, problems);
        }
        return reported;
    }

    /// <summary>
    /// The v1 ids of every <c>&lt;id&gt;/layer.tar</c> of a tar by the bytes it leads to (offset, size): skopeo and
    /// podman write <c>&lt;diff_id&gt;.tar</c> layers with such links, and <c>repositories</c> names the link's folder.
    /// Built once, so the check stays linear in the number of entries however many images manifest.json lists.
    /// </summary>
    private static Dictionary<(long, long), List<string>> LinkedV1Ids(ImageArchive archive)
    {
        var result = new Dictionary<(long, long), List<string>>();
        if (archive.IsFolder) return result;
        foreach (var entry in archive.Entries.Values)
        {
            var parts = entry.Name.Split('/');
            if (parts.Length != 2 || parts[1] != "layer.tar") continue;
            if (!result.TryGetValue((entry.Offset, entry.Size), out var ids)) result[(entry.Offset, entry.Size)] = ids = [];
            ids.Add(parts[0]);
        }
        return result;
    }

    /// <summary><c>repositories</c>: every name is in <c>RepoTags</c> and points at its image's top layer (v1 id, or diff_id as Docker 25+ writes).</summary>
    private static void CheckRepositories(ImageArchive archive, Dictionary<string, IReadOnlyList<string>> tops, HashSet<string> readable, List<string> problems)
    {
        var where = archive.Where(DockerArchiveManifest.RepositoriesFileName);
        try
        {
            using var doc = JsonDocument.Parse(archive.ReadSmall(DockerArchiveManifest.RepositoriesFileName));
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidOperationException("it is not a JSON object");
            foreach (var repository in doc.RootElement.EnumerateObject())
            foreach (var tag in repository.Value.EnumerateObject())
            {
                var name = $"{repository.Name}:{tag.Name}";
                if (!tops.TryGetValue(name, out var ids))
                {
                    if (!readable.Contains(name)) problems.Add($"{where}: {name} is not in manifest.json RepoTags");
                }
                else if (!ids.Contains(tag.Value.GetString()))
                    problems.Add($"{where}: {name} points at {tag.Value.GetString()}, not at the top layer ({string.Join(" or ", ids.Distinct())})");
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IntegrityException)
        {
            problems.Add($"{where}: not a valid repositories file: {e.Message}");
        }
    }

    /// <summary>What a file must be: its size (-1 when only the name says it) and, for a layer, how it decompresses to which diff_id.</summary>
    private sealed record FileExpectation(long Size, LayerCompression? Compression, Digest? DiffId, string Role);
}
