using System.Text;
using McrExport.Cli.Json;
using McrExport.Cli.Progress;
using McrExport.Content;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Cli;

/// <summary>The end-of-run summary, as text for people and as the JSON document for scripts.</summary>
public static class ExportSummary
{
    public static ExportDocument From(ExportResult result, OutputFormat format, TransferTally tally) => new(
        result.Images.Select(e => (e.Reference, Image: e.Image!)).Select(i => new ExportedImage(
            i.Reference?.ToString() ?? i.Image.Digest.ToString(),
            JsonPlatform.From(i.Image.Platform),
            i.Image.Digest.ToString(),
            i.Image.Descriptor.MediaType,
            i.Image.Manifest.Config.Digest.ToString(),
            i.Image.Manifest.Layers.Count,
            i.Image.Manifest.Layers.Count(l => l.IsForeign),
            i.Image.Size)).ToList(),
        format switch { OutputFormat.Oci => "oci", OutputFormat.OciTar => "oci-tar", _ => "docker-tar" },
        result.OutputPath,
        result.OutputBytes,
        tally.BytesDownloaded,
        tally.BytesResumed,
        tally.BytesFromCache,
        result.Transfer.BlobsDownloaded,
        tally.BlobsResumed,
        result.Transfer.BlobsFromCache,
        Math.Round(result.Elapsed.TotalSeconds, 3))
    {
        Parts = result.Parts.Count > 0 ? result.Parts : null,
        Referrers = result.Referrers.Count > 0
            ? result.Referrers.Select(r => new CarriedReferrer(r.Node.Digest.ToString(), ReferrerGraph.SubjectOf(r)!.Value.ToString(),
                r.Node.Descriptor.ArtifactType ?? ((Artifact)r.Node).ArtifactType, ReferrerGraph.KindOf(r), ReferrerGraph.CosignTagOf(r))).ToList()
            : null,
    };

    public static string ToText(ExportDocument summary)
    {
        var sb = new StringBuilder();
        foreach (var image in summary.Images)
        {
            sb.AppendLine($"image     {image.Reference}");
            sb.AppendLine($"platform  {Describe(image.Platform)}");
            sb.AppendLine($"manifest  {image.ManifestDigest}");
            sb.AppendLine($"layers    {image.Layers}{(image.ForeignLayers > 0 ? $" ({image.ForeignLayers} foreign, included)" : "")}, {DiskErrors.FormatSize(image.Size)}");
        }
        if (summary.Referrers is { Count: > 0 } carried)
            sb.AppendLine($"referrers {ReferrerKinds.Summarize(carried.Select(r => r.Kind))}");
        sb.AppendLine(FetchedLine(summary.BytesDownloaded, summary.BytesResumed, summary.BytesFromCache, summary.Seconds));
        if (summary.Parts is { Count: > 1 } parts)
            sb.AppendLine($"output    {parts.Count - 1} parts {Path.GetFileName(parts[0])} … {Path.GetFileName(parts[^2])} ({DiskErrors.FormatSize(summary.OutputBytes)}) and {Path.GetFileName(parts[^1])}");
        else
            sb.AppendLine(summary.Output == WriterOptions.StandardOutputPath ? "output    standard output" : $"output    {summary.Output} ({DiskErrors.FormatSize(summary.OutputBytes)})");
        return sb.ToString();
    }

    /// <summary>What came from where: bytes downloaded in this run (the rate is theirs), resumed from an earlier run, and from the cache.</summary>
    public static string FetchedLine(long downloaded, long resumed, long fromCache, double seconds)
    {
        var rate = seconds > 0 ? downloaded / seconds : 0;
        return $"fetched   {DiskErrors.FormatSize(downloaded)} downloaded, {DiskErrors.FormatSize(resumed)} resumed, " +
            $"{DiskErrors.FormatSize(fromCache)} from cache in {seconds:0.0} s ({DiskErrors.FormatSize((long)rate)}/s)";
    }

    public static string Describe(JsonPlatform p) =>
        $"{p.Os}/{p.Architecture}{(p.Variant is null ? "" : "/" + p.Variant)}{(p.OsVersion is null ? "" : $" ({p.OsVersion})")}";
}
