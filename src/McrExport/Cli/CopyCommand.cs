using System.CommandLine;
using McrExport.Content;
using McrExport.Copy;
using McrExport.Errors;
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
        var registry = new RegistryOptions();
        var platform = new PlatformOptions();
        var command = new Command("copy", "Copy images between registries, archives and layouts of any producer (docker save, podman, skopeo, containerd, crane), in skopeo's transport syntax.").WithExamples(
            "mcr-export copy docker-archive:hello.tar oci:./hello-layout",
            "mcr-export copy hello.tar docker://registry.corp.example:5000/hello:1.0",
            "mcr-export copy docker://mcr.microsoft.com/windows/servercore:ltsc2019 docker://registry.corp.example:5000/windows/servercore:ltsc2019 --all",
            "mcr-export copy oci-archive:images.oci.tar docker://registry.corp.example:5000/team --all");
        command.Arguments.Add(source);
        command.Arguments.Add(destination);
        foreach (var option in new Option[] { all, uncompressed, include, rewrite, parallel, cacheDir }) command.Options.Add(option);
        platform.AddTo(command);
        registry.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(include) && parse.GetValue(rewrite))
                throw new UsageException("--include-foreign-layers and --rewrite-foreign-layers exclude each other");
            if (parse.GetValue(parallel) is < 1 or > 64) throw new UsageException("--parallel must be between 1 and 64");
            var from = CopyEndpoint.Parse(parse.GetValue(source)!, isSource: true);
            var to = CopyEndpoint.Parse(parse.GetValue(destination)!, isSource: false);
            var hosts = new[] { from, to }.OfType<RegistryEndpoint>()
                .Select(r => ImageReferenceHost(r.Destination)).Distinct().ToList();
            var pool = registry.CreatePool(parse, console, hosts);
            using var transport = pool.Transport;
            var request = new CopyRequest(from, to)
            {
                All = parse.GetValue(all),
                Platform = platform.Parse(parse),
                Uncompressed = parse.GetValue(uncompressed),
                ForeignLayers = parse.GetValue(rewrite) ? ForeignLayerMode.Rewrite : parse.GetValue(include) ? ForeignLayerMode.Include : ForeignLayerMode.LeaveForeign,
                Transfer = new TransferOptions(parse.GetValue(parallel), null, pool.Retry),
                CacheDirectory = parse.GetValue(cacheDir),
                Log = line => console.Error.WriteLine(line),
            };
            var result = await new CopyPipeline(pool).RunAsync(request, cancellationToken).ConfigureAwait(false);

            if (result.Push is { } pushed)
            {
                for (var i = 0; i < pushed.Images.Count; i++)
                    await console.Out.WriteLineAsync(PushCommand.Describe(pushed.Images[i], result.Targets[i].Entry)).ConfigureAwait(false);
                await console.Out.WriteLineAsync(
                    $"blobs: {pushed.Count(BlobAction.UploadedMonolithic) + pushed.Count(BlobAction.UploadedChunked)} uploaded ({DiskErrors.FormatSize(pushed.UploadedBytes)}), " +
                    $"{pushed.Count(BlobAction.Mounted)} mounted, {pushed.Count(BlobAction.Skipped)} already there, {pushed.Count(BlobAction.LeftForeign)} foreign left foreign")
                    .ConfigureAwait(false);
            }
            else
            {
                foreach (var entry in result.Set.Entries)
                    await console.Out.WriteLineAsync($"{entry.DisplayName}  {entry.Node.Digest}").ConfigureAwait(false);
                await console.Out.WriteLineAsync($"wrote {result.Set.Images.Count} image(s){(result.Set.Artifacts.Count > 0 ? $", {result.Set.Artifacts.Count} artifact(s)" : "")} to {to}")
                    .ConfigureAwait(false);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string ImageReferenceHost(string destination)
    {
        var slash = destination.IndexOf('/');
        return slash < 0 ? destination.ToLowerInvariant() : Model.ImageReference.Parse(destination).Registry;
    }
}
