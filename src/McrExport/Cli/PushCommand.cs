using System.CommandLine;
using McrExport.Archive;
using McrExport.Cli.Json;
using McrExport.Cli.Progress;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Push;

namespace McrExport.Cli;

/// <summary>
/// <c>mcr-export push &lt;archive&gt; &lt;registry/repository[:tag]&gt;</c>, or <c>--all</c> to a registry host: puts an
/// archive's images into a registry with their original manifest digests.
/// </summary>
public static class PushCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("archive") { Description = "A docker save / docker-archive tar, an oci-tar archive or an OCI layout folder, from mcr-export, docker, podman, skopeo, containerd or crane" };
        var destination = new Argument<string>("destination")
        {
            Description = "registry/repository[:tag] (the tag defaults to the archive's), or with --all a registry HOST[:PORT]",
        };
        var all = new Option<bool>("--all") { Description = "Push every image of the archive under its own repository and tag to the registry host given as destination" };
        var include = new Option<bool>("--include-foreign-layers") { Description = "Upload foreign layers too (the manifest is unchanged; they stay foreign)" };
        var rewrite = new Option<bool>("--rewrite-foreign-layers")
        {
            Description = "Upload foreign layers as ordinary layers without urls: a new manifest with a new digest (printed)",
        };
        var chunkSize = new Option<long>("--chunk-size")
        {
            Description = "Blobs larger than this many bytes are uploaded in PATCH chunks of this size",
            DefaultValueFactory = _ => BlobUploader.DefaultChunkSize,
            HelpName = "BYTES",
        };
        var uncompressed = new Option<bool>("--uncompressed")
        {
            Description = "Images of a classic docker save archive: push their layers as plain tars (…rootfs.diff.tar) instead of gzip-compressing them",
        };
        var cacheDir = new Option<string?>("--cache-dir")
        {
            Description = "Cache folder where an unfinished upload is recorded, so the next push continues it (default: the user's cache folder)",
            HelpName = "DIR",
        };
        var referrers = new Option<bool>("--referrers")
        {
            Description = "Also push the archive's signatures, SBOMs and attestations of each image, keeping their digests (through the referrers API where the registry has it, else by the referrers tag schema sha256-<hex>)",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (docs/json.md) instead of the result lines" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress; only the result lines and errors" };
        var registry = new RegistryOptions();
        var command = new Command("push", "Push the images of an archive into a registry, keeping manifest digests (blobs skipped when present, mounted when possible, uploaded in resumable chunks when large; foreign layers stay foreign unless told otherwise).").WithExamples(
            "mcr-export push servercore.tar registry.corp.example:5000/windows/servercore:ltsc2019",
            "mcr-export push images.tar registry.corp.example:5000 --all",
            "mcr-export push servercore.tar registry.corp.example:5000/windows/servercore:ltsc2019 --rewrite-foreign-layers");
        command.Arguments.Add(path);
        command.Arguments.Add(destination);
        command.Options.Add(all);
        command.Options.Add(include);
        command.Options.Add(rewrite);
        command.Options.Add(chunkSize);
        command.Options.Add(uncompressed);
        command.Options.Add(cacheDir);
        command.Options.Add(referrers);
        command.Options.Add(json);
        command.Options.Add(quiet);
        registry.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(include) && parse.GetValue(rewrite))
                throw new UsageException("--include-foreign-layers and --rewrite-foreign-layers exclude each other");
            var chunk = parse.GetValue(chunkSize);
            if (chunk < 1024) throw new UsageException("--chunk-size must be at least 1024 bytes");
            CheckDestination(parse.GetValue(destination)!, parse.GetValue(all), parse.GetValue(path)!);
            var mode = parse.GetValue(rewrite) ? ForeignLayerMode.Rewrite : parse.GetValue(include) ? ForeignLayerMode.Include : ForeignLayerMode.LeaveForeign;

            var content = ArchiveSource.OpenChecked(parse.GetValue(path)!);
            var (host, targets) = PushTargets.Resolve(new ImageSet(ReferrerGraph.Subjects(content.Set)), parse.GetValue(destination)!, parse.GetValue(all));
            if (!parse.GetValue(referrers) && content.Set.Entries.Count(ReferrerGraph.IsReferrer) is > 0 and var left)
                await console.Error.WriteLineAsync($"{left} referrer(s) (signatures, SBOMs) in the archive not pushed; add --referrers to push them").ConfigureAwait(false);
            var carried = parse.GetValue(referrers)
                ? targets.SelectMany(t => ReferrerGraph.ReferrersOf(content.Set, t.Entry)).DistinctBy(r => r.Node.Digest).ToList()
                : [];
            await ArchivePreflight.CheckAsync(content.Blobs, new ImageSet([.. targets.Select(t => t.Entry), .. carried]), mode, cancellationToken).ConfigureAwait(false);
            var pool = registry.CreatePool(parse, console, [host]);
            using var transport = pool.Transport;
            var client = pool.For(new ImageReference(host, "push", "latest", null));
            var cacheRoot = parse.GetValue(cacheDir) ?? BlobStore.DefaultRoot();
            var uploads = UploadStateStore.InCache(cacheRoot);
            // in logs the sink's own line per blob says what happened; the reporter adds totals and retries
            var reporter = ProgressReporter.Create(console, parse.GetValue(quiet), parse.GetValue(json), perBlobLines: false);
            reporter.Watch(pool.Retry);
            var options = new PushOptions(mode, chunk, Log: reporter.Line, Uploads: uploads, Observer: reporter) { Referrers = parse.GetValue(referrers) };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (set, staged) = await RegistryForm.PrepareAsync(new ImageSet(targets.Select(t => t.Entry).ToList()), content.Blobs,
                compress: !parse.GetValue(uncompressed), Path.Combine(cacheRoot, "tmp"), options.Log, cancellationToken).ConfigureAwait(false);
            using var _ = staged;
            targets = targets.Select((t, i) => t with { Entry = set.Entries[i] }).ToList();
            var result = await reporter.RunAsync(() => new RegistrySink(staged, client, options).PushAsync(targets, content.Set, cancellationToken)).ConfigureAwait(false);

            if (parse.GetValue(json))
            {
                await console.Out.WriteAsync(CliJson.Write(new PushDocument(host, PushedImageEntry.From(result), PushedBlobCounts.From(result),
                    Math.Round(clock.Elapsed.TotalSeconds, 3)), CliJson.Types.PushDocument)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            for (var i = 0; i < result.Images.Count; i++)
                await console.Out.WriteLineAsync(Describe(result.Images[i], targets[i].Entry)).ConfigureAwait(false);
            await console.Out.WriteLineAsync(CountsLine(result)).ConfigureAwait(false);
            if (options.Referrers)
                await console.Out.WriteLineAsync(result.Referrers.Count == 0
                    ? "referrers: none in the archive for these images"
                    : $"referrers: {ReferrerKinds.Summarize(result.Referrers.Select(r => r.Kind))}").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The destination's shape, before the archive is read or the network used: without --all it names a registry
    /// host and a repository (<c>127.0.0.1:5088</c> alone would otherwise be taken for a repository on MCR).
    /// </summary>
    internal static void CheckDestination(string destination, bool all, string archive)
    {
        if ((File.Exists(destination) || Directory.Exists(destination)) && !File.Exists(archive) && !Directory.Exists(archive))
            throw new UsageException($"'{destination}' is a file here and '{archive}' is not: the archive comes first, then the destination")
            { Hint = $"mcr-export push {destination} {archive}" };
        if (all) return;
        var slash = destination.IndexOf('/');
        if (slash < 0)
            throw new UsageException($"'{destination}' names no repository: give REGISTRY/REPOSITORY[:TAG]")
            { Hint = $"e.g. mcr-export push ARCHIVE {destination}/windows/servercore:ltsc2019, or --all to push every image under its own name" };
        var host = destination[..slash];
        if (!host.Contains('.') && !host.Contains(':') && host != "localhost")
            throw new UsageException($"'{destination}' names no registry host: give REGISTRY/REPOSITORY[:TAG], e.g. registry.corp.example:5000/{destination}");
    }

    /// <summary>The last line of a push: what happened to the blobs.</summary>
    internal static string CountsLine(PushResult result)
    {
        var counts = PushedBlobCounts.From(result);
        return $"blobs: {counts.Uploaded} uploaded ({DiskErrors.FormatSize(counts.UploadedBytes)}), {counts.Mounted} mounted, " +
            $"{counts.AlreadyThere} already there, {counts.LeftForeign} foreign left foreign";
    }

    /// <summary>One pushed image: its reference and digest, and why the digest is new when it is.</summary>
    internal static string Describe(PushedImage image, SetEntry entry) => entry.Node switch
    {
        Image { Synthesized: true } built => $"{image.Reference}@{image.Digest} (a new manifest: the archive has none; image ID {built.Manifest.Config.Digest} unchanged)",
        _ when image.Rewritten => $"{image.Reference}@{image.Digest} (new digest: foreign layers rewritten; the archive had {image.OriginalDigest})",
        _ => $"{image.Reference}@{image.Digest}",
    };
}
