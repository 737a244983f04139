using System.Collections.Concurrent;
using System.Text.Json;
using McrExport.Archive;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Verify;

/// <summary>
/// Checks an archive offline: every blob against its name, size and (for layers) the config's diff_id, decompressing
/// in the same pass; <c>index.json</c>, <c>manifest.json</c> and <c>repositories</c> against each other. Folders are
/// checked in parallel across blobs; a tar is read once, in file order.
/// </summary>
public static class ArchiveVerifier
{
    public static async Task<VerifyResult> VerifyAsync(string path, CancellationToken cancellationToken)
    {
        var archive = ImageArchive.Open(path);
        IReadOnlyList<string> partProblems = archive.Parts is { } partSet ? await partSet.CheckAsync(cancellationToken).ConfigureAwait(false) : [];
        if (archive.Parts is { Missing.Count: > 0 })
            return new VerifyResult([], 0, 0, partProblems.Order(StringComparer.Ordinal).ToList());
        var problems = new ConcurrentBag<string>(archive.Problems.Concat(partProblems));
        var list = new List<string>();
        var catalog = ArchiveCatalog.Read(archive, list);
        var expectations = new Dictionary<Digest, BlobExpectation>();
        foreach (var top in catalog.Tops) Expect(expectations, top.Entry.Digest, new BlobExpectation(top.Entry.Size, null, null, top.IsIndex ? "index" : "manifest"));
        foreach (var image in catalog.Images) ExpectImage(expectations, image);
        foreach (var referrer in catalog.Referrers) ExpectReferrer(expectations, referrer);
        var known = catalog.Tops.Select(t => t.Entry.Digest).Concat(catalog.Images.Select(i => i.ManifestDescriptor.Digest))
            .Concat(catalog.Referrers.Select(r => r.Descriptor.Digest)).ToHashSet();
        foreach (var referrer in catalog.Referrers.Where(r => !known.Contains(r.Subject)))
            list.Add($"{ArchiveCatalog.Where(archive, LayoutBlob.PathOf(referrer.Descriptor.Digest))}: the {referrer.Kind} refers to {referrer.Subject}, which is not in the archive");

        var images = catalog.Tops.SelectMany(t => t.Images.Where(i => Resolve.PlatformSelector.IsImage(i.ManifestDescriptor)).Select(i => (Names: t.Name is null ? new List<string>() : [t.Name], Image: i)))
            .GroupBy(x => x.Image.ManifestDescriptor.Digest)
            .Select(g => Report(g.SelectMany(x => x.Names).Distinct().ToList(), g.First().Image)).ToList();

        if (catalog.HasIndex && !archive.Contains(OciLayoutContent.LayoutFileName))
            list.Add($"{ArchiveCatalog.Where(archive, OciLayoutContent.LayoutFileName)}: missing beside index.json");
        if (archive.Contains(DockerArchiveManifest.ManifestFileName))
            images.AddRange(CheckDockerManifest(archive, catalog, expectations, list));
        else if (!catalog.HasIndex)
            list.Add($"{archive.Location}: has neither index.json nor manifest.json; it is not an image archive");
        foreach (var p in list) problems.Add(p);

        var blobs = new List<(ArchiveEntry Entry, Digest Digest)>();
        foreach (var entry in archive.Entries.Values)
        {
            if (!entry.Name.StartsWith("blobs/", StringComparison.Ordinal)) continue;
            var parts = entry.Name.Split('/');
            if (parts.Length != 3 || !Digest.TryParse($"{parts[1]}:{parts[2]}", out var digest))
            {
                problems.Add($"{ArchiveCatalog.Where(archive, entry.Name)}: not a blob name (blobs/<algorithm>/<hex>)");
                continue;
            }
            blobs.Add((entry, digest));
        }
        foreach (var (digest, expectation) in expectations)
            if (!archive.ContainsBlob(digest))
                problems.Add($"{ArchiveCatalog.Where(archive, LayoutBlob.PathOf(digest))}: missing ({expectation.Role})");

        long bytes = 0;
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = archive.IsFolder ? Math.Max(2, Environment.ProcessorCount) : 1,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(blobs.OrderBy(b => b.Entry.Offset), options, async (blob, ct) =>
        {
            expectations.TryGetValue(blob.Digest, out var expected);
            var where = ArchiveCatalog.Where(archive, blob.Entry.Name);
            await using var stream = archive.OpenRead(blob.Entry.Name);
            var scan = await BlobScan.RunAsync(stream, blob.Digest.Algorithm, expected?.Compression, ct).ConfigureAwait(false);
            Interlocked.Add(ref bytes, scan.Size);
            if (scan.Size != blob.Entry.Size)
                problems.Add($"{where}: only {scan.Size} of its {blob.Entry.Size} bytes could be read (truncated)");
            if (scan.Digest != blob.Digest)
                problems.Add($"{where}: the content hashes to {scan.Digest}, not to its name");
            if (expected is null) return;
            if (expected.Size >= 0 && expected.Size != blob.Entry.Size)
                problems.Add($"{where}: {blob.Entry.Size} bytes, but the {expected.Role} descriptor says {expected.Size}");
            if (scan.DecompressError is { } error)
                problems.Add($"{where}: the {expected.Role} does not decompress ({expected.Compression}): {error}");
            else if (expected.DiffId is { } diffId && scan.DiffId is { } actual && actual != diffId)
                problems.Add($"{where}: the {expected.Role} decompresses to {actual}, but the config's diff_id is {diffId}");
        }).ConfigureAwait(false);

        images = images.Select(i => Digest.TryParse(i.Digest, out var d)
            ? i with { Carries = ReferrerKinds.Summarize(catalog.ReferrersOf(d).Select(r => r.Kind)) }
            : i).ToList();
        var ordered = problems.Distinct().Order(StringComparer.Ordinal).ToList();
        return new VerifyResult(images, blobs.Count, bytes, ordered) { PartsChecked = archive.Parts?.Parts.Count ?? 0 };
    }

    private static void ExpectImage(Dictionary<Digest, BlobExpectation> expectations, ArchivedImage image)
    {
        Expect(expectations, image.Manifest.Config.Digest, new BlobExpectation(image.Manifest.Config.Size, null, null, "config"));
        for (var i = 0; i < image.Manifest.Layers.Count; i++)
        {
            var layer = image.Manifest.Layers[i];
            var isTar = layer.MediaType.Contains(".tar", StringComparison.Ordinal) || layer.MediaType.Contains("rootfs", StringComparison.Ordinal);
            Expect(expectations, layer.Digest, isTar
                ? new BlobExpectation(layer.Size, MediaTypes.CompressionOf(layer.MediaType), image.Config.DiffIds[i], $"layer {i}")
                : new BlobExpectation(layer.Size, null, null, $"layer {i} ({layer.MediaType})"));
        }
    }

    private static void ExpectReferrer(Dictionary<Digest, BlobExpectation> expectations, Referrer referrer)
    {
        Expect(expectations, referrer.Descriptor.Digest, new BlobExpectation(referrer.Descriptor.Size, null, null, $"{referrer.Kind} manifest"));
        foreach (var blob in referrer.Blobs)
            Expect(expectations, blob.Digest, new BlobExpectation(blob.Size, null, null, $"{referrer.Kind} blob ({blob.MediaType})"));
    }

    private static void Expect(Dictionary<Digest, BlobExpectation> expectations, Digest digest, BlobExpectation expectation) =>
        expectations.TryAdd(digest, expectation);

    private static VerifiedImage Report(IReadOnlyList<string> names, ArchivedImage image) =>
        new(names, image.Platform.ToString(), image.ManifestDescriptor.Digest.ToString(), image.Manifest.Layers.Count, image.Size);

    /// <summary>Checks <c>manifest.json</c> (and <c>repositories</c>) against the blobs and <c>index.json</c>.</summary>
    private static List<VerifiedImage> CheckDockerManifest(ImageArchive archive, ArchiveCatalog catalog,
        Dictionary<Digest, BlobExpectation> expectations, List<string> problems)
    {
        var where = ArchiveCatalog.Where(archive, DockerArchiveManifest.ManifestFileName);
        var reported = new List<VerifiedImage>();
        IReadOnlyList<DockerManifestItem> items;
        try { items = DockerManifestItem.Parse(archive.ReadSmall(DockerArchiveManifest.ManifestFileName)); }
        catch (IntegrityException e) { problems.Add($"{where}: {e.Message}"); return reported; }

        var byConfig = catalog.Images.GroupBy(i => i.Manifest.Config.Digest).ToDictionary(g => g.Key, g => g.First());
        var tagsByConfig = catalog.Tops.Where(t => !t.IsIndex && t.Images.Count == 1)
            .GroupBy(t => t.Images[0].Manifest.Config.Digest)
            .ToDictionary(g => g.Key, g => g.Select(t => t.Reference).OfType<ImageReference>()
                .Select(r => r.FamiliarNameWithTag).OfType<string>().ToHashSet(StringComparer.Ordinal));
        var topDiffIds = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var item in items)
        {
            if (!TryBlobPath(item.Config, out var configDigest) || !archive.Contains(item.Config))
            {
                problems.Add($"{where}: Config '{item.Config}' is not a blob of the archive");
                continue;
            }
            ImageConfig config;
            try
            {
                config = ManifestParser.ParseConfig(archive.ReadSmall(item.Config));
            }
            catch (IntegrityException e) { problems.Add($"{ArchiveCatalog.Where(archive, item.Config)}: {e.Message}"); continue; }
            if (config.DiffIds.Count != item.Layers.Count)
                problems.Add($"{where}: {item.Config} lists {config.DiffIds.Count} diff_ids but the entry has {item.Layers.Count} layers");
            Expect(expectations, configDigest, new BlobExpectation(-1, null, null, "config"));
            byConfig.TryGetValue(configDigest, out var image);

            for (var i = 0; i < item.Layers.Count && i < config.DiffIds.Count; i++)
            {
                var path = item.Layers[i];
                if (!TryBlobPath(path, out var layerDigest))
                {
                    problems.Add($"{where}: layer path '{path}' is not a blob path inside the archive");
                    continue;
                }
                if (!archive.Contains(path)) { problems.Add($"{ArchiveCatalog.Where(archive, path)}: missing (layer {i} in manifest.json)"); continue; }
                if (image is not null && image.Manifest.Layers[i].Digest == layerDigest) continue;
                if (layerDigest == config.DiffIds[i]) { Expect(expectations, layerDigest, new BlobExpectation(-1, LayerCompression.None, config.DiffIds[i], $"layer {i}")); continue; }
                if (image is not null)
                {
                    problems.Add($"{where}: layer {i} is '{path}', which is neither the manifest's layer nor the diff_id");
                    continue;
                }
                Expect(expectations, layerDigest, new BlobExpectation(-1, Sniff(archive, path), config.DiffIds[i], $"layer {i}"));
            }

            if (catalog.HasIndex)
            {
                if (image is null) problems.Add($"{where}: the image with config {configDigest} is not in index.json");
                else
                {
                    var expected = tagsByConfig.GetValueOrDefault(configDigest) ?? [];
                    if (!expected.SetEquals(item.RepoTags))
                        problems.Add($"{where}: RepoTags [{string.Join(", ", item.RepoTags)}] of {configDigest.Short} disagree with index.json names [{string.Join(", ", expected)}]");
                }
            }
            else
            {
                reported.Add(new VerifiedImage(item.RepoTags, config.Platform.ToString(), configDigest.ToString(), item.Layers.Count, archive.Entries[item.Config].Size
                    + item.Layers.Where(archive.Contains).Sum(l => archive.Entries[l].Size)));
            }
            if (config.DiffIds.Count > 0) foreach (var tag in item.RepoTags) topDiffIds[tag] = config.DiffIds[^1].Encoded;
        }

        if (catalog.HasIndex)
            foreach (var (configDigest, tags) in tagsByConfig)
                if (!items.Any(i => TryBlobPath(i.Config, out var d) && d == configDigest) && tags.Count > 0)
                    problems.Add($"{where}: has no entry for {string.Join(", ", tags)} of index.json");

        if (archive.Contains(DockerArchiveManifest.RepositoriesFileName)) CheckRepositories(archive, topDiffIds, problems);
        return reported;
    }

    private static void CheckRepositories(ImageArchive archive, Dictionary<string, string> topDiffIds, List<string> problems)
    {
        var where = ArchiveCatalog.Where(archive, DockerArchiveManifest.RepositoriesFileName);
        try
        {
            using var doc = JsonDocument.Parse(archive.ReadSmall(DockerArchiveManifest.RepositoriesFileName));
            foreach (var repository in doc.RootElement.EnumerateObject())
                foreach (var tag in repository.Value.EnumerateObject())
                {
                    var name = $"{repository.Name}:{tag.Name}";
                    if (!topDiffIds.TryGetValue(name, out var top))
                        problems.Add($"{where}: {name} is not in manifest.json RepoTags");
                    else if (tag.Value.GetString() != top)
                        problems.Add($"{where}: {name} points at {tag.Value.GetString()}, not at the top layer's diff_id {top}");
                }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IntegrityException)
        {
            problems.Add($"{where}: not a valid repositories file: {e.Message}");
        }
    }

    private static bool TryBlobPath(string path, out Digest digest)
    {
        digest = default;
        var parts = path.Split('/');
        return parts.Length == 3 && parts[0] == "blobs" && Digest.TryParse($"{parts[1]}:{parts[2]}", out digest);
    }

    private static LayerCompression Sniff(ImageArchive archive, string path)
    {
        using var stream = archive.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        var read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (read >= 2 && head[0] == 0x1f && head[1] == 0x8b) return LayerCompression.Gzip;
        if (read >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) return LayerCompression.Zstd;
        return LayerCompression.None;
    }
}
