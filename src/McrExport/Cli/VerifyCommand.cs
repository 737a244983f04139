using System.CommandLine;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Verify;

namespace McrExport.Cli;

/// <summary><c>mcr-export verify &lt;archive.tar | oci-folder&gt;</c>: offline integrity check of an export.</summary>
public static class VerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("archive") { Description = "A docker save / docker-archive tar, an oci-tar archive or an OCI layout folder, from any producer" };
        var command = new Command("verify", "Check an archive offline: every blob's digest and size, every layer decompresses (gzip, zstd or plain) to its config's diff_id, manifest.json, index.json and repositories agree. Exit 0 only when all holds; 6 otherwise.").WithExamples(
            "mcr-export verify servercore.tar",
            "mcr-export verify ./servercore-layout");
        command.Arguments.Add(path);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var location = parse.GetValue(path)!;
            var result = await ArchiveVerifier.VerifyAsync(location, cancellationToken).ConfigureAwait(false);
            foreach (var image in result.Images)
            {
                var name = image.Names.Count == 0 ? "(no name)" : string.Join(", ", image.Names);
                await console.Out.WriteLineAsync(
                    $"image  {name}  {image.Platform}  {image.Digest}  {image.Layers} layers, {DiskErrors.FormatSize(image.Size)}").ConfigureAwait(false);
            }
            foreach (var artifact in result.Artifacts)
                await console.Out.WriteLineAsync(
                    $"artifact  {artifact.ArtifactType}  {artifact.Digest}{(artifact.Subject is null ? "" : $"  for {artifact.Subject}")}  {artifact.Blobs} blobs, {DiskErrors.FormatSize(artifact.Size)}").ConfigureAwait(false);
            foreach (var problem in result.Problems) await console.Error.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
            if (!result.Ok)
            {
                await console.Error.WriteLineAsync($"verify failed: {result.Problems.Count} problem(s) in {location}").ConfigureAwait(false);
                return ExitCodes.Integrity;
            }
            await console.Out.WriteLineAsync(
                $"ok: {result.Images.Count} image(s), {(result.Artifacts.Count > 0 ? $"{result.Artifacts.Count} artifact(s), " : "")}{result.BlobsChecked} blobs, {DiskErrors.FormatSize(result.BytesChecked)} checked").ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
