using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using McrExport.Content;

namespace McrExport.Cli;

/// <summary>The end-of-run summary, as text for people and JSON for scripts.</summary>
public sealed record ExportSummary(
    [property: JsonPropertyName("images")] IReadOnlyList<ExportSummary.ImageSummary> Images,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("outputBytes")] long OutputBytes,
    [property: JsonPropertyName("bytesDownloaded")] long BytesDownloaded,
    [property: JsonPropertyName("bytesFromCache")] long BytesFromCache,
    [property: JsonPropertyName("blobsDownloaded")] int BlobsDownloaded,
    [property: JsonPropertyName("blobsFromCache")] int BlobsFromCache,
    [property: JsonPropertyName("seconds")] double Seconds)
{
    public sealed record ImageSummary(
        [property: JsonPropertyName("reference")] string Reference,
        [property: JsonPropertyName("platform")] string Platform,
        [property: JsonPropertyName("manifestDigest")] string ManifestDigest,
        [property: JsonPropertyName("configDigest")] string ConfigDigest,
        [property: JsonPropertyName("layers")] int Layers,
        [property: JsonPropertyName("foreignLayers")] int ForeignLayers,
        [property: JsonPropertyName("size")] long Size);

    public static ExportSummary From(ExportResult result) => new(
        result.Images.Select(e => (e.Reference, Image: e.Image!)).Select(i => new ImageSummary(
            i.Reference?.ToString() ?? i.Image.Digest.ToString(),
            i.Image.Platform.ToString(),
            i.Image.Digest.ToString(),
            i.Image.Manifest.Config.Digest.ToString(),
            i.Image.Manifest.Layers.Count,
            i.Image.Manifest.Layers.Count(l => l.IsForeign),
            i.Image.Size)).ToList(),
        result.OutputPath,
        result.OutputBytes,
        result.Transfer.BytesDownloaded,
        result.Transfer.BytesFromCache,
        result.Transfer.BlobsDownloaded,
        result.Transfer.BlobsFromCache,
        Math.Round(result.Elapsed.TotalSeconds, 3));

    public string ToJson() => JsonSerializer.Serialize(this, CliJson.Default.ExportSummary);

    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var image in Images)
        {
            sb.AppendLine($"image     {image.Reference}");
            sb.AppendLine($"platform  {image.Platform}");
            sb.AppendLine($"manifest  {image.ManifestDigest}");
            sb.AppendLine($"layers    {image.Layers}{(image.ForeignLayers > 0 ? $" ({image.ForeignLayers} foreign, included)" : "")}, {DiskErrors.FormatSize(image.Size)}");
        }
        var rate = Seconds > 0 ? BytesDownloaded / Seconds : 0;
        sb.AppendLine($"fetched   {DiskErrors.FormatSize(BytesDownloaded)} downloaded, {DiskErrors.FormatSize(BytesFromCache)} from cache in {Seconds:0.0} s ({DiskErrors.FormatSize((long)rate)}/s)");
        sb.AppendLine(Output == "-" ? "output    standard output" : $"output    {Output} ({DiskErrors.FormatSize(OutputBytes)})");
        return sb.ToString();
    }
}
