using System.CommandLine;
using System.Text.Json;
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
        var json = new Option<bool>("--json") { Description = "Print JSON" };
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
            console.Out.Write(parse.GetValue(json) ? report.ToJson() + Environment.NewLine : report.ToText());
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>What <c>inspect</c> prints.</summary>
public sealed record InspectReport(
    string Reference,
    string? IndexDigest,
    IReadOnlyList<InspectReport.PlatformEntry> Platforms,
    string ManifestDigest,
    string ManifestMediaType,
    string Platform,
    string ConfigDigest,
    IReadOnlyList<InspectReport.LayerEntry> Layers)
{
    public sealed record PlatformEntry(string Platform, string Digest, bool Chosen);

    public sealed record LayerEntry(string Digest, long Size, string MediaType, IReadOnlyList<string> Sources);

    public static InspectReport From(ResolvedImage resolved, ExportPlan plan)
    {
        var entry = resolved.Image;
        var image = entry.Image!;
        var platforms = resolved.Index?.Manifests.Where(PlatformSelector.IsImage)
            .Select(m => new PlatformEntry(m.Platform?.ToString() ?? "", m.Digest.ToString(), m.Digest == image.Digest))
            .ToList() ?? [];
        var layers = plan.Blobs.ToDictionary(b => b.Descriptor.Digest);
        return new InspectReport(
            entry.Reference!.ToString(),
            resolved.Index is null ? null : resolved.TopDigest.ToString(),
            platforms,
            image.Digest.ToString(),
            image.Descriptor.MediaType,
            image.Platform.ToString(),
            image.Manifest.Config.Digest.ToString(),
            image.Manifest.Layers.Select(l => new LayerEntry(l.Digest.ToString(), l.Size, l.MediaType,
                layers[l.Digest].Sources.Select(s => s switch
                {
                    UrlBlobSource u => u.Url,
                    RegistryBlobSource r => $"registry {r.Client.Registry}{(l.IsForeign ? " (foreign: usually absent)" : "")}",
                    _ => s.Describe(),
                }).ToList())).ToList());
    }

    public string ToJson() => JsonSerializer.Serialize(this, CliJson.Default.InspectReport);

    public string ToText()
    {
        var w = new StringWriter();
        w.WriteLine($"reference  {Reference}");
        if (IndexDigest is not null)
        {
            w.WriteLine($"index      {IndexDigest}");
            foreach (var p in Platforms) w.WriteLine($"  {(p.Chosen ? "*" : " ")} {p.Platform,-40} {p.Digest}");
        }
        w.WriteLine($"manifest   {ManifestDigest} ({ManifestMediaType})");
        w.WriteLine($"platform   {Platform}");
        w.WriteLine($"config     {ConfigDigest}");
        w.WriteLine($"layers     {Layers.Count}, {DiskErrors.FormatSize(Layers.Sum(l => l.Size))}");
        foreach (var layer in Layers)
        {
            w.WriteLine($"  {layer.Digest} {DiskErrors.FormatSize(layer.Size),10} {layer.MediaType}");
            foreach (var source in layer.Sources) w.WriteLine($"      from {source}");
        }
        return w.ToString();
    }
}
