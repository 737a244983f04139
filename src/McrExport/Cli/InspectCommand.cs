using System.CommandLine;
using McrExport.Cli.Json;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Planning;
using McrExport.Registry;
using McrExport.Resolve;

namespace McrExport.Cli;

/// <summary><c>mcr-export inspect &lt;reference&gt; [--json]</c>: platforms, the chosen manifest and its layers, without downloading layers.</summary>
public static class InspectCommand
{
    public static Command Create(CliConsole console)
    {
        var reference = new Argument<string>("reference") { Description = "Image reference, e.g. servercore:ltsc2019" };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (docs/json.md)" };
        var registry = new RegistryOptions();
        var platform = new PlatformOptions();
        var command = new Command("inspect", "Show an image's platforms, the chosen manifest's digest and its layers (size, media type, source) without downloading layers.").WithExamples(
            "mcr-export inspect servercore:ltsc2019",
            "mcr-export inspect dotnet/framework/runtime:4.8 --os-version 10.0.20348 --json");
        command.Arguments.Add(reference);
        command.Options.Add(json);
        platform.AddTo(command);
        registry.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var image = ImageReference.Parse(parse.GetValue(reference));
            var pool = registry.CreatePool(parse, console, [image.Registry]);
            using var transport = pool.Transport;
            var resolved = await new RegistrySource(pool, Platform.Host()).ResolveAsync(image, platform.Parse(parse), cancellationToken).ConfigureAwait(false);
            var plan = ExportPlan.Create([(resolved.Image, pool.For(image))]);
            var report = InspectReport.From(resolved, plan);
            console.Out.Write(parse.GetValue(json) ? CliJson.Write(report, CliJson.Types.InspectDocument) : InspectReport.ToText(report));
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>What <c>inspect</c> prints: the JSON document, and the same as text.</summary>
public static class InspectReport
{
    public static InspectDocument From(ResolvedImage resolved, ExportPlan plan)
    {
        var entry = resolved.Image;
        var image = entry.Image!;
        var platforms = resolved.Index?.Manifests.Where(PlatformSelector.IsImage)
            .Select(m => new InspectedPlatform(m.Platform is null ? new JsonPlatform("", "", null, null) : JsonPlatform.From(m.Platform),
                m.Digest.ToString(), m.Digest == image.Digest))
            .ToList() ?? [];
        var layers = plan.Blobs.ToDictionary(b => b.Descriptor.Digest);
        return new InspectDocument(
            entry.Reference!.ToString(),
            resolved.Index is null ? null : resolved.TopDigest.ToString(),
            platforms,
            image.Digest.ToString(),
            image.Descriptor.MediaType,
            JsonPlatform.From(image.Platform),
            image.Manifest.Config.Digest.ToString(),
            image.Manifest.Config.Size + image.Manifest.Layers.Sum(l => l.Size),
            image.Manifest.Layers.Select(l => new InspectedLayer(l.Digest.ToString(), l.Size, l.MediaType, l.IsForeign,
                layers[l.Digest].Sources.Select(s => Source(s, l)).ToList())).ToList());
    }

    private static JsonSource Source(BlobSource source, Descriptor layer) => source switch
    {
        UrlBlobSource u => new JsonSource("url", Uri.TryCreate(u.Url, UriKind.Absolute, out var uri) ? uri.Authority : "", u.Url),
        RegistryBlobSource r => new JsonSource("registry", r.Client.Registry,
            new Uri(r.Client.BaseUri, $"v2/{r.Repository}/blobs/{layer.Digest}").ToString(),
            layer.IsForeign),
        _ => new JsonSource("other", source.Describe(), ""),
    };

    public static string ToText(InspectDocument report)
    {
        var w = new StringWriter();
        w.WriteLine($"reference  {report.Reference}");
        if (report.IndexDigest is not null)
        {
            w.WriteLine($"index      {report.IndexDigest}");
            foreach (var p in report.Platforms) w.WriteLine($"  {(p.Chosen ? "*" : " ")} {ExportSummary.Describe(p.Platform),-40} {p.Digest}");
        }
        w.WriteLine($"manifest   {report.ManifestDigest} ({report.ManifestMediaType})");
        w.WriteLine($"platform   {ExportSummary.Describe(report.Platform)}");
        w.WriteLine($"config     {report.ConfigDigest}");
        w.WriteLine($"layers     {report.Layers.Count}, {DiskErrors.FormatSize(report.Layers.Sum(l => l.Size))}");
        foreach (var layer in report.Layers)
        {
            w.WriteLine($"  {layer.Digest} {DiskErrors.FormatSize(layer.Size),10} {layer.MediaType}");
            foreach (var source in layer.Sources)
                w.WriteLine(source.Kind == "url" ? $"      from {source.Url}" : $"      from registry {source.Host}{(source.Foreign ? " (foreign: usually absent)" : "")}");
        }
        return w.ToString();
    }
}
