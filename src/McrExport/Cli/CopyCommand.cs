using System.CommandLine;
using McrExport.Cli.Json;
using McrExport.Cli.Progress;
using McrExport.Content;
using McrExport.Copy;
using McrExport.Errors;
using McrExport.Output;
using McrExport.Push;
using McrExport.Transfer;

namespace McrExport.Cli;

/// <summary>
/// <c>mcr-export copy SOURCE DESTINATION</c>: any source (registry, any producer's archive or layout) to any sink
/// (registry, docker-archive, OCI layout, OCI tar), in skopeo's transport syntax.
/// </summary>
public static class CopyCommand
{
    public static Command Create(CliConsole console)
    {
        var source = new Argument<string>("source")
        {
            Description = "docker://REFERENCE, docker-archive:PATH, oci:PATH[:TAG], oci-archive:PATH[:TAG], or a bare path or reference",
        };
        var destination = new Argument<string>("destination")
        {
            Description = "docker://REFERENCE (with --all: docker://HOST or docker://HOST/REPOSITORY), docker-archive:PATH[:NAME:TAG], oci:PATH[:TAG], oci-archive:PATH[:TAG], or a bare path or reference",
        };
        var all = new Option<bool>("--all") { Description = "Copy whole indexes (every platform and its attestations), and at a registry every image under its own name" };
        var uncompressed = new Option<bool>("--uncompressed") { Description = "To a registry, images of a classic docker save: keep layers as plain tars instead of gzip-compressing them" };
        var include = new Option<bool>("--include-foreign-layers") { Description = "To a registry: upload foreign layers too (the manifest is unchanged)" };
        var rewrite = new Option<bool>("--rewrite-foreign-layers") { Description = "To a registry: upload foreign layers as ordinary layers without urls (a new manifest digest)" };
        var parallel = new Option<int>("--parallel") { Description = "Blobs downloaded at once", DefaultValueFactory = _ => 4 };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Blob cache folder (default: the user's cache folder)", HelpName = "DIR" };
        var split = new Option<string?>("--split")
        {
            Description = "docker-archive: and oci-archive: destinations: write NAME.001, NAME.002, … each at most SIZE, and NAME.sha256 (4000M for FAT32, 4.7GB for a DVD; K/M/G/T count in 1024s, KB/MB/GB in 1000s); join with cat NAME.0* | docker load",
            HelpName = "SIZE",
        };
        var referrers = new Option<bool>("--referrers")
        {
            Description = "Carry the images' signatures, SBOMs and attestations (OCI 1.1 referrers, the referrers tag schema, cosign's .sig/.att/.sbom tags), keeping their digests",
        };
        var referrersType = new Option<string?>("--referrers-type")
        {
            Description = "With --referrers from a registry: only referrers of this artifactType (e.g. application/vnd.cncf.notary.signature), and what refers to them",
            HelpName = "TYPE",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (docs/json.md) instead of the result lines" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress; only the result lines and errors" };
        var registry = new RegistryOptions();
        var platform = new PlatformOptions();
        var command = new Command("copy", "Copy images between registries, archives and layouts of any producer (docker save, podman, skopeo, containerd, crane), in skopeo's transport syntax.").WithExamples(
            "mcr-export copy docker-archive:hello.tar oci:./hello-layout",
            "mcr-export copy hello.tar docker://registry.corp.example:5000/hello:1.0",
            "mcr-export copy docker://mcr.microsoft.com/windows/servercore:ltsc2019 docker://registry.corp.example:5000/windows/servercore:ltsc2019 --all",
            "mcr-export copy oci-archive:images.oci.tar docker://registry.corp.example:5000/team --all",
            "mcr-export copy docker://mcr.microsoft.com/windows/servercore:ltsc2019 docker-archive:servercore.tar --split 4000M --referrers",
            "mcr-export copy servercore.tar.sha256 docker://registry.corp.example:5000/windows/servercore:ltsc2019 --referrers");
        command.Arguments.Add(source);
        command.Arguments.Add(destination);
        foreach (var option in new Option[] { all, uncompressed, include, rewrite, parallel, cacheDir, split, referrers, referrersType, json, quiet })
            command.Options.Add(option);
        platform.AddTo(command);
        registry.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(include) && parse.GetValue(rewrite))
                throw new UsageException("--include-foreign-layers and --rewrite-foreign-layers exclude each other");
            if (parse.GetValue(parallel) is < 1 or > 64) throw new UsageException("--parallel must be between 1 and 64");
            var from = CopyEndpoint.Parse(parse.GetValue(source)!, isSource: true);
            var to = CopyEndpoint.Parse(parse.GetValue(destination)!, isSource: false);
            var splitSize = parse.GetValue(split) is { } splitText ? Output.Split.SplitSize.Parse(splitText) : (long?)null;
            var withReferrers = parse.GetValue(referrers) || parse.GetValue(referrersType) is not null;
            CopyPipeline.CheckSplit(new CopyRequest(from, to) { SplitSize = splitSize });
            var cacheRoot = parse.GetValue(cacheDir) ?? BlobStore.DefaultRoot();
            if (to is ArchiveEndpoint file) OutputChecks.Check(file.Path, folderOutput: file.Format == OutputFormat.Oci, outputIsTerminal: false);
            if (from is RegistryEndpoint || to is RegistryEndpoint) OutputChecks.CheckCache(cacheRoot);
            var hosts = new[] { from, to }.OfType<RegistryEndpoint>()
                .Select(r => ImageReferenceHost(r.Destination)).Distinct().ToList();
            var pool = registry.CreatePool(parse, console, hosts);
            using var transport = pool.Transport;
            // in logs a push's own line per blob says what happened, so per-blob progress lines are for downloads only
            var reporter = ProgressReporter.Create(console, parse.GetValue(quiet), parse.GetValue(json), perBlobLines: to is not RegistryEndpoint);
            reporter.Watch(pool.Retry);
            var tally = new TransferTally(reporter);
            var request = new CopyRequest(from, to)
            {
                All = parse.GetValue(all),
                Platform = platform.Parse(parse),
                Uncompressed = parse.GetValue(uncompressed),
                ForeignLayers = parse.GetValue(rewrite) ? ForeignLayerMode.Rewrite : parse.GetValue(include) ? ForeignLayerMode.Include : ForeignLayerMode.LeaveForeign,
                Transfer = new TransferOptions(parse.GetValue(parallel), null, pool.Retry),
                CacheDirectory = cacheRoot,
                SplitSize = splitSize,
                Referrers = withReferrers,
                ReferrersArtifactType = parse.GetValue(referrersType),
                Log = reporter.Line,
                PushObserver = reporter,
            };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = await reporter.RunAsync(() => new CopyPipeline(pool, tally).RunAsync(request, cancellationToken)).ConfigureAwait(false);

            if (parse.GetValue(json))
            {
                await console.Out.WriteAsync(CliJson.Write(Document(from, to, result, tally, clock.Elapsed), CliJson.Types.CopyDocument)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            if (result.Push is { } pushed)
            {
                for (var i = 0; i < pushed.Images.Count; i++)
                    await console.Out.WriteLineAsync(PushCommand.Describe(pushed.Images[i], result.Targets[i].Entry)).ConfigureAwait(false);
                await console.Out.WriteLineAsync(PushCommand.CountsLine(pushed)).ConfigureAwait(false);
                if (request.Referrers)
                    await console.Out.WriteLineAsync(pushed.Referrers.Count == 0
                        ? "referrers: none for these images"
                        : $"referrers: {Model.ReferrerKinds.Summarize(pushed.Referrers.Select(r => r.Kind))}").ConfigureAwait(false);
            }
            else
            {
                foreach (var entry in result.Set.Entries)
                    await console.Out.WriteLineAsync($"{entry.DisplayName}  {entry.Node.Digest}").ConfigureAwait(false);
                await console.Out.WriteLineAsync($"wrote {result.Set.Images.Count} image(s){(result.Set.Artifacts.Count > 0 ? $", {result.Set.Artifacts.Count} artifact(s)" : "")} to {to}")
                    .ConfigureAwait(false);
            }
            if (result.Transfer is not null && !parse.GetValue(quiet))
                console.Error.WriteLine(ExportSummary.FetchedLine(tally.BytesDownloaded, tally.BytesResumed, tally.BytesFromCache, clock.Elapsed.TotalSeconds));
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static CopyDocument Document(CopyEndpoint from, CopyEndpoint to, CopyResult result, TransferTally tally, TimeSpan elapsed) => new(
        from.ToString(),
        to.ToString(),
        result.Set.Entries.Select(e => new CopiedEntry(
            e.DisplayName,
            e.Node switch { Model.Image => "image", Model.IndexNode => "index", _ => "artifact" },
            e.Node.Digest.ToString(),
            e.Node.Descriptor.MediaType,
            e.Node is Model.Image image ? JsonPlatform.From(image.Platform) : null,
            e.Node.Blobs.Sum(b => b.Size))).ToList(),
        result.Transfer is { } t
            ? new CopiedTransfer(tally.BytesDownloaded, tally.BytesResumed, tally.BytesFromCache, t.BlobsDownloaded, tally.BlobsResumed, t.BlobsFromCache)
            : null,
        result.Push is { } p ? new CopiedPush(PushedImageEntry.From(p), PushedBlobCounts.From(p)) : null,
        Math.Round(elapsed.TotalSeconds, 3));

    private static string ImageReferenceHost(string destination)
    {
        var slash = destination.IndexOf('/');
        return slash < 0 ? destination.ToLowerInvariant() : Model.ImageReference.Parse(destination).Registry;
    }
}
