using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;
using McrExport.Registry;

namespace McrExport.Resolve;

/// <summary>
/// Resolves a reference to its whole index (<c>--all-platforms</c>): the index bytes as served and, for every entry
/// that is an image manifest, its manifest and config, verified. Attestation manifests come along (the index names
/// them, and a registry may refuse an index whose entries it does not have) when their config reads as an image
/// config; other artifacts are left out.
/// </summary>
public sealed class IndexResolver(RegistryClientPool registries)
{
    /// <summary>The index with every platform's image, or null when the reference names a single image.</summary>
    public async Task<ExportIndex?> ResolveAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        var client = registries.For(reference);
        var top = await client.GetManifestAsync(reference.Repository, reference.ManifestReference, cancellationToken).ConfigureAwait(false);
        if (ManifestParser.Parse(top.Bytes.Span, top.ContentType) is not ImageIndex index) return null;

        var images = new List<ExportImage>();
        foreach (var child in index.Manifests)
        {
            if (!MediaTypes.IsImageManifest(child.MediaType)) continue;
            var isImage = PlatformSelector.IsImage(child);
            var response = await client.GetManifestAsync(reference.Repository, child.Digest.ToString(), cancellationToken).ConfigureAwait(false);
            if (response.Bytes.Length != child.Size)
                throw new DigestMismatchException($"manifest {child.Digest} has {response.Bytes.Length} bytes, the index says {child.Size}");
            var manifest = ManifestParser.Parse(response.Bytes.Span, response.ContentType) as ImageManifest
                ?? throw new InvalidManifestException($"manifest {child.Digest} is an index inside an index");
            var configBytes = await client.GetSmallBlobAsync(reference.Repository, manifest.Config, cancellationToken).ConfigureAwait(false);
            ImageConfig config;
            try
            {
                config = ManifestParser.ParseConfig(configBytes);
                ManifestParser.CheckConsistent(manifest, config);
            }
            catch (InvalidManifestException) when (!isImage)
            {
                continue;
            }
            var descriptor = new Descriptor(manifest.MediaType, response.Digest, response.Bytes.Length) { Platform = child.Platform ?? config.Platform };
            images.Add(new ExportImage(reference, descriptor, response.Bytes, manifest, configBytes, config));
        }
        if (!images.Any(i => PlatformSelector.IsImage(i.ManifestDescriptor))) throw new PlatformNotFoundException($"the index of {reference} lists no image manifests");
        var mediaType = index.MediaType;
        return new ExportIndex(reference, new Descriptor(mediaType, top.Digest, top.Bytes.Length), top.Bytes, images);
    }
}
