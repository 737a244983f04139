using McrExport.Content;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// Writes the images as an OCI image layout folder (https://github.com/opencontainers/image-spec/blob/main/image-layout.md):
/// <c>oci-layout</c>, <c>index.json</c> (one descriptor per image, with platform and names) and
/// <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c> for every manifest, config and layer, each once. Manifests and configs are
/// written byte for byte; layers are hard-linked from the blob store when it is on the same file system (and
/// <see cref="WriterOptions.HardLinks"/> allows it), copied otherwise. The folder appears atomically.
/// </summary>
public sealed class OciLayoutWriter(WriterOptions options) : IImageWriter
{
    private const int BufferSize = 1 << 20;

    public WriterOptions Options { get; } = options;

    public Task WriteAsync(ImageSet set, IBlobReader blobs, CancellationToken cancellationToken)
    {
        var content = OciLayoutContent.Build(set);
        return AtomicOutput.WriteDirectoryAsync(Options.OutputPath, (directory, ct) => WriteToAsync(directory, content, blobs, ct),
            content.BlobBytes, cancellationToken);
    }

    /// <summary>Fills <paramref name="directory"/> (which should be empty) with the layout.</summary>
    public Task WriteToAsync(string directory, ImageSet set, IBlobReader blobs, CancellationToken cancellationToken) =>
        WriteToAsync(directory, OciLayoutContent.Build(set), blobs, cancellationToken);

    private async Task WriteToAsync(string directory, OciLayoutContent content, IBlobReader blobs, CancellationToken cancellationToken)
    {
        foreach (var folder in content.Directories) Directory.CreateDirectory(Path.Combine(directory, folder));
        foreach (var blob in content.Blobs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TarEntryName.Validate(blob.Path);
            var target = Path.Combine(directory, blob.Path);
            if (blob.Bytes is { } bytes)
                await File.WriteAllBytesAsync(target, bytes.ToArray(), cancellationToken).ConfigureAwait(false);
            else
                await LinkOrCopyAsync(blobs, blob, target, cancellationToken).ConfigureAwait(false);
        }
        await File.WriteAllBytesAsync(Path.Combine(directory, OciLayoutContent.LayoutFileName), content.LayoutFile.ToArray(), cancellationToken)
            .ConfigureAwait(false);
        await File.WriteAllBytesAsync(Path.Combine(directory, OciLayoutContent.IndexFileName), content.IndexFile.ToArray(), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task LinkOrCopyAsync(IBlobReader blobs, LayoutBlob blob, string target, CancellationToken cancellationToken)
    {
        var source = blobs.PathOf(blob.Digest);
        if (Options.HardLinks && (blobs is BlobStore store ? store.TryLink(blob.Digest, target) : File.Exists(source) && HardLink.TryCreate(source, target)))
            return;
        await using var input = blobs.OpenRead(blob.Digest);
        await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
        await input.CopyToAsync(output, BufferSize, cancellationToken).ConfigureAwait(false);
    }
}
