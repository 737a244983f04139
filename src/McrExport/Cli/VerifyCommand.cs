using System.CommandLine;
using McrExport.Cli.Json;
using McrExport.Cli.Progress;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Verify;

namespace McrExport.Cli;

/// <summary><c>mcr-export verify &lt;archive.tar | oci-folder&gt;</c>: offline integrity check of an export.</summary>
public static class VerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("archive") { Description = "A docker save / docker-archive tar, an oci-tar archive (or a split one: NAME.001 or NAME.sha256) or an OCI layout folder, from any producer" };
        var command = new Command("verify", "Check an archive offline: every blob's digest and size, every layer decompresses (gzip, zstd or plain) to its config's diff_id, manifest.json, index.json and repositories agree. Exit 0 only when all holds; 6 otherwise.").WithExamples(
            "mcr-export verify servercore.tar",
            "mcr-export verify ./servercore-layout",
            "mcr-export verify servercore.tar.sha256");
        var limit = new Option<string?>(BlobScan.ExpansionLimitOption)
        {
            Description = "How far one layer may expand when checking its diff_id (default 64G; bytes, or with K, M, G, T)",
            HelpName = "SIZE",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (docs/json.md); the exit code is the same" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress; only the result" };
        command.Arguments.Add(path);
        command.Options.Add(limit);
        command.Options.Add(json);
        command.Options.Add(quiet);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var location = parse.GetValue(path)!;
            var expansionLimit = parse.GetValue(limit) is { } text ? ParseSize(text, BlobScan.ExpansionLimitOption) : BlobScan.DefaultExpansionLimit;
            var reporter = ProgressReporter.Create(console, parse.GetValue(quiet), parse.GetValue(json), perBlobLines: false);
            var result = await reporter.RunAsync(() => ArchiveVerifier.VerifyAsync(location, expansionLimit, cancellationToken, reporter)).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await console.Out.WriteAsync(CliJson.Write(new VerifyDocument(location, result.Ok,
                    result.Images.Select(i => new VerifiedImageEntry(i.Names, JsonPlatform.FromDisplay(i.Platform), i.Digest, i.Layers, i.Size)).ToList(),
                    result.Artifacts.Select(a => new VerifiedArtifactEntry(a.ArtifactType, a.Digest, a.Subject, a.Blobs, a.Size)).ToList(),
                    result.BlobsChecked, result.BytesChecked, result.Problems), CliJson.Types.VerifyDocument)).ConfigureAwait(false);
                return result.Ok ? ExitCodes.Ok : ExitCodes.Integrity;
            }
            foreach (var image in result.Images)
            {
                var name = image.Names.Count == 0 ? "(no name)" : string.Join(", ", image.Names);
                await console.Out.WriteLineAsync(
                    $"image  {name}  {image.Platform}  {image.Digest}  {image.Layers} layer{(image.Layers == 1 ? "" : "s")}, {DiskErrors.FormatSize(image.Size)}").ConfigureAwait(false);
                if (image.Carries.Length > 0) await console.Out.WriteLineAsync($"       with {image.Carries}").ConfigureAwait(false);
            }
            foreach (var artifact in result.Artifacts)
                await console.Out.WriteLineAsync(
                    $"artifact  {(artifact.Kind is { } kind && kind != artifact.ArtifactType ? $"{kind} ({artifact.ArtifactType})" : artifact.ArtifactType)}  {artifact.Digest}{(artifact.Subject is null ? "" : $"  for {artifact.Subject}")}  {artifact.Blobs} blobs, {DiskErrors.FormatSize(artifact.Size)}").ConfigureAwait(false);
            foreach (var problem in result.Problems) await console.Error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
            if (!result.Ok)
            {
                await console.Error.WriteLineAsync($"verify failed: {result.Problems.Count} problem(s) in {location}").ConfigureAwait(false);
                return ExitCodes.Integrity;
            }
            await console.Out.WriteLineAsync(
                $"ok: {(result.PartsChecked > 0 ? $"{result.PartsChecked} parts checked against their .sha256, " : "")}{result.Images.Count} image(s), {(result.Artifacts.Count > 0 ? $"{result.Artifacts.Count} artifact(s), " : "")}{result.BlobsChecked} blobs, {DiskErrors.FormatSize(result.BytesChecked)} checked").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A size in bytes, or with a binary suffix K, M, G or T (1G = 2^30 bytes).</summary>
    internal static long ParseSize(string text, string option)
    {
        var value = text.Trim();
        var shift = value.Length > 0 ? char.ToUpperInvariant(value[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 } : 0;
        if (shift > 0) value = value[..^1];
        if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number <= 0
            || number > long.MaxValue >> shift)
            throw new UsageException($"invalid {option} '{text}': give a size such as 10G, 500M or a number of bytes");
        return number << shift;
    }
}
