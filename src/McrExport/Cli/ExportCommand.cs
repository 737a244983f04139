using System.CommandLine;
using McrExport.Cli.Json;
using McrExport.Cli.Progress;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Model;
using McrExport.Output;
using McrExport.Transfer;

namespace McrExport.Cli;

/// <summary>
/// <c>mcr-export export &lt;reference&gt;... [-f docker-tar|oci|oci-tar] [-o PATH|-]</c>, also reached as
/// <c>mcr-export &lt;reference&gt;...</c> and <c>mcr-export save …</c> (docker's word for it).
/// </summary>
public static class ExportCommand
{
    public static readonly string[] Examples =
    [
        "mcr-export servercore:ltsc2019                      # docker-load tar: servercore-ltsc2019.tar",
        "mcr-export servercore:ltsc2019 -f oci -o ./layout   # OCI image layout folder",
        "mcr-export nanoserver:ltsc2022 dotnet/runtime:8.0-nanoserver-ltsc2022 -o images.tar",
        "mcr-export docker.io/library/alpine:3.20 --platform linux/arm64 -o - | docker load",
        "mcr-export windows/servercore --tags 'ltsc20*' -o servercore-all.tar",
        "mcr-export windows/servercore:ltsc2019 --os-version 10.0.17763 --cache-dir D:\\cache",
    ];

    public static Command Create(CliConsole console)
    {
        var references = new Argument<string[]>("reference")
        {
            Description = "Image references: [host[:port]/]path[:tag][@digest]; no host means mcr.microsoft.com; servercore, nanoserver and server mean windows/…",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var fromFile = new Option<string?>("--from-file") { Description = "Read references from a file, one per line ('#' starts a comment)", HelpName = "FILE" };
        var tags = new Option<string[]>("--tags") { Description = "Export every tag of the repository that matches a glob, e.g. 'ltsc20*'", Arity = ArgumentArity.ZeroOrMore, HelpName = "GLOB" };
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format: docker-tar (docker load and OCI in one tar), oci (folder), oci-tar",
            DefaultValueFactory = _ => "docker-tar",
            HelpName = "docker-tar|oci|oci-tar",
        };
        format.AcceptOnlyFromAmong("docker-tar", "oci", "oci-tar");
        var output = new Option<string?>("--output", "-o") { Description = "Output file or folder; - writes the tar to standard output", HelpName = "PATH" };
        var ociTypes = new Option<bool>("--oci-media-types") { Description = "Convert manifests to OCI media types (for strict OCI tools); the config and image ID stay the same" };
        var allPlatforms = new Option<bool>("--all-platforms")
        {
            Description = "oci and oci-tar: export each index whole, with every platform's image (index.json points at the index)",
        };
        var split = new Option<string?>("--split")
        {
            Description = "docker-tar and oci-tar: write NAME.001, NAME.002, … each at most SIZE, and NAME.sha256 (4000M for FAT32, 4.7GB for a DVD; K/M/G/T count in 1024s, KB/MB/GB in 1000s); join with cat NAME.0* | docker load",
            HelpName = "SIZE",
        };
        var referrers = new Option<bool>("--referrers")
        {
            Description = "Carry the images' signatures, SBOMs and attestations (OCI 1.1 referrers, the referrers tag schema, cosign's .sig/.att/.sbom tags) into the output",
        };
        var referrersType = new Option<string?>("--referrers-type")
        {
            Description = "With --referrers: only referrers of this artifactType (e.g. application/vnd.cncf.notary.signature), and what refers to them",
            HelpName = "ARTIFACT-TYPE",
        };
        var uncompressed = new Option<bool>("--uncompressed-layers") { Description = "docker-tar: write layers as plain tars (as old docker save did)" };
        var parallel = new Option<int>("--parallel") { Description = "Blobs downloaded at once", DefaultValueFactory = _ => 4 };
        var connections = new Option<int>("--connections")
        {
            Description = "Connections per blob of 64 MiB or more, each fetching a range (1: one stream per blob); at most 16 in all",
            DefaultValueFactory = _ => TransferOptions.DefaultConnections,
            HelpName = "N",
        };
        var stall = new Option<int>("--stall-timeout") { Description = "Seconds without data before a download is resumed", DefaultValueFactory = _ => 30, HelpName = "SECONDS" };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Blob cache folder (default: the user's cache folder)", HelpName = "DIR" };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not use the blob cache" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only errors" };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON document (docs/json.md); with -o - it goes to standard error" };
        var registry = new RegistryOptions();
        var platform = new PlatformOptions();

        var root = new Command("export", "Export images to a docker-load tar (default), an OCI layout folder or an OCI tar; 'mcr-export <reference>...' means the same.");
        root.Aliases.Add("save");
        root.WithExamples(Examples);
        root.Arguments.Add(references);
        foreach (var option in new Option[] { format, output, fromFile, tags }) root.Options.Add(option);
        platform.AddTo(root);
        root.Options.Add(ociTypes);
        root.Options.Add(allPlatforms);
        root.Options.Add(uncompressed);
        root.Options.Add(split);
        root.Options.Add(referrers);
        root.Options.Add(referrersType);
        registry.AddTo(root);
        foreach (var option in new Option[] { parallel, connections, stall, cacheDir, noCache, quiet, json }) root.Options.Add(option);

        root.SetAction(async (parse, cancellationToken) =>
        {
            var refs = (parse.GetValue(references) ?? []).Select(ImageReference.Parse).ToList();
            if (parse.GetValue(fromFile) is { } file) refs.AddRange(ReferenceFile.Read(file));
            var tagPatterns = parse.GetValue(tags) ?? [];
            var fmt = parse.GetValue(format) switch
            {
                "oci" => OutputFormat.Oci,
                "oci-tar" => OutputFormat.OciTar,
                _ => OutputFormat.DockerTar,
            };
            if (refs.Count == 0 && tagPatterns.Length == 0)
                throw new UsageException("no image to export: give a reference, --from-file or --tags");
            if (tagPatterns.Length > 0)
            {
                if (parse.GetValue(references) is not { Length: 1 } repositoryArgument || parse.GetValue(fromFile) is not null)
                    throw new UsageException("--tags needs exactly one repository (e.g. windows/servercore --tags 'ltsc20*')");
                refs = [ImageReference.ParseRepository(repositoryArgument[0])];
            }
            var outputPath = parse.GetValue(output) ?? DefaultOutput(refs, fmt);
            if (outputPath == WriterOptions.StandardOutputPath && fmt == OutputFormat.Oci)
                throw new UsageException("-o - needs a tar format (docker-tar or oci-tar); the oci format writes a folder");
            long? splitSize = null;
            if (parse.GetValue(split) is { } splitText)
            {
                if (outputPath == WriterOptions.StandardOutputPath)
                    throw new UsageException("--split writes files (NAME.001, NAME.002, …); it cannot write to standard output (-o -)")
                    {
                        Hint = "give a file name with -o, or pipe -o - into split(1) yourself",
                    };
                if (fmt == OutputFormat.Oci) throw new UsageException("--split needs a tar format (docker-tar or oci-tar); the oci format writes a folder");
                splitSize = Output.Split.SplitSize.Parse(splitText);
            }
            var withReferrers = parse.GetValue(referrers) || parse.GetValue(referrersType) is not null;
            if (withReferrers && parse.GetValue(uncompressed))
                throw new UsageException("--referrers needs the OCI part of the archive, which --uncompressed-layers leaves out");
            if (withReferrers && parse.GetValue(ociTypes))
                throw new UsageException("--referrers keeps the manifests' digests that signatures refer to; it excludes --oci-media-types");
            if (parse.GetValue(uncompressed) && fmt != OutputFormat.DockerTar)
                throw new UsageException("--uncompressed-layers applies to --format docker-tar only");
            if (parse.GetValue(allPlatforms))
            {
                if (fmt == OutputFormat.DockerTar)
                    throw new UsageException("--all-platforms needs --format oci or oci-tar (docker load takes one platform per image)");
                if (parse.GetValue(platform.Platform) is not null || parse.GetValue(platform.OsVersion) is not null)
                    throw new UsageException("--all-platforms exports every platform; it excludes --platform and --os-version");
                if (parse.GetValue(ociTypes)) throw new UsageException("--all-platforms keeps the index's bytes; it excludes --oci-media-types");
            }
            if (parse.GetValue(parallel) is < 1 or > 64) throw new UsageException("--parallel must be between 1 and 64");
            if (parse.GetValue(connections) is < 1 or > 16) throw new UsageException("--connections must be between 1 and 16");
            if (parse.GetValue(stall) is < 1 or > 3600) throw new UsageException("--stall-timeout must be between 1 and 3600 seconds");
            if (parse.GetValue(noCache) && parse.GetValue(cacheDir) is not null) throw new UsageException("--no-cache and --cache-dir exclude each other");

            var platformRequest = platform.Parse(parse);
            OutputChecks.Check(outputPath, folderOutput: fmt == OutputFormat.Oci, console.OutputIsTerminal);
            if (!parse.GetValue(noCache)) OutputChecks.CheckCache(parse.GetValue(cacheDir) ?? BlobStore.DefaultRoot());

            var pool = registry.CreatePool(parse, console, refs.Select(r => r.Registry).Distinct().ToList());
            var reporter = ProgressReporter.Create(console, parse.GetValue(quiet), parse.GetValue(json));
            reporter.Watch(pool.Retry);
            if (tagPatterns.Length > 0) refs = await ExpandTagsAsync(pool, refs, tagPatterns, cancellationToken).ConfigureAwait(false);
            if (refs.Count == 0) throw new UsageException("no image to export: give a reference, --from-file or --tags");
            refs = refs.Distinct().ToList();
            var request = new ExportRequest(refs, fmt, outputPath)
            {
                Platform = platformRequest,
                CacheDirectory = parse.GetValue(cacheDir),
                NoCache = parse.GetValue(noCache),
                OciMediaTypes = parse.GetValue(ociTypes),
                UncompressedLayers = parse.GetValue(uncompressed),
                AllPlatforms = parse.GetValue(allPlatforms),
                SplitSize = splitSize,
                Referrers = withReferrers,
                ReferrersArtifactType = parse.GetValue(referrersType),
                Transfer = new TransferOptions(parse.GetValue(parallel), TimeSpan.FromSeconds(parse.GetValue(stall)), pool.Retry)
                {
                    Connections = parse.GetValue(connections),
                },
                StandardOutput = outputPath == WriterOptions.StandardOutputPath ? console.OpenStandardOutput() : null,
            };

            var toStdout = outputPath == WriterOptions.StandardOutputPath;
            var tally = new TransferTally(reporter);
            try
            {
                var result = await reporter.RunAsync(() =>
                {
                    var pipeline = new ExportPipeline(pool, tally);
                    pipeline.Resolved += r => reporter.Resolved(r);
                    pipeline.Warning += message =>
                    {
                        if (reporter is QuietProgressReporter) console.Error.WriteLine($"warning: {message}");
                        else reporter.Line($"warning: {message}");
                    };
                    return pipeline.RunAsync(request, cancellationToken);
                }).ConfigureAwait(false);
                var summary = ExportSummary.From(result, fmt, tally);
                if (parse.GetValue(json)) (toStdout ? console.Error : console.Out).Write(CliJson.Write(summary, CliJson.Types.ExportDocument));
                else if (!parse.GetValue(quiet)) console.Error.Write(ExportSummary.ToText(summary));
                return ExitCodes.Ok;
            }
            finally
            {
                if (request.StandardOutput is { } s) await s.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                pool.Transport.Dispose();
            }
        });
        return root;
    }

    private static async Task<List<ImageReference>> ExpandTagsAsync(Registry.RegistryClientPool pool, List<ImageReference> refs,
        IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        var repository = refs[0];
        var all = await pool.For(repository).ListTagsAsync(repository.Repository, cancellationToken).ConfigureAwait(false);
        var matching = TagsCommand.Filter(all, patterns).ToList();
        if (matching.Count == 0)
            throw new NotFoundException($"no tag of {repository.FullName} matches {string.Join(", ", patterns)} ({all.Count} tags in all)");
        return matching.Select(t => repository with { Tag = t, Digest = null }).ToList();
    }

    private static string DefaultOutput(IReadOnlyList<ImageReference> refs, OutputFormat format)
    {
        var name = refs.Count == 1 ? refs[0].SuggestedFileName() : "images";
        return format switch
        {
            OutputFormat.Oci => name,
            OutputFormat.OciTar => name + ".oci.tar",
            _ => name + ".tar",
        };
    }
}
