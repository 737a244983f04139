using McrExport.Content;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;
using McrExport.Registry;

namespace McrExport.Resolve;

/// <summary>
/// Turns a reference into an <see cref="ExportImage"/>: fetches the manifest (verified), picks a platform from an
/// index, fetches and checks the config. Layers are not downloaded here.
/// </summary>
public sealed class ImageResolver(RegistryClientPool registries, Platform host)
{
    public async Task<ResolvedImage> ResolveAsync(ImageReference reference, PlatformRequest platform, CancellationToken cancellationToken)
    {
        var client = registries.For(reference);
        ManifestResponse top;
        try
        {
            top = await client.GetManifestAsync(reference.Repository, reference.ManifestReference, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException e) when (reference.Digest is null && reference.Tag is { } tag)
        {
            throw await MissingTag.ExplainAsync(client, reference, tag, e, cancellationToken).ConfigureAwait(false);
        }
        var document = ManifestParser.Parse(top.Bytes.Span, top.ContentType);

        ImageIndex? index = null;
        ManifestResponse chosen = top;
        Descriptor manifestDescriptor;
        ImageManifest manifest;
        if (document is ImageIndex idx)
        {
            index = idx;
            var child = PlatformSelector.Select(idx, platform, host);
            if (!MediaTypes.IsImageManifest(child.MediaType))
                throw new InvalidManifestException($"the index entry for {child.Platform} is a {child.MediaType}, not an image manifest");
            chosen = await client.GetManifestAsync(reference.Repository, child.Digest.ToString(), cancellationToken).ConfigureAwait(false);
            if (chosen.Bytes.Length != child.Size)
                throw new DigestMismatchException($"manifest {child.Digest} has {chosen.Bytes.Length} bytes, the index says {child.Size}");
            manifest = ManifestParser.Parse(chosen.Bytes.Span, chosen.ContentType) as ImageManifest
                       ?? throw new InvalidManifestException($"manifest {child.Digest} is an index inside an index");
            manifestDescriptor = new Descriptor(manifest.MediaType, chosen.Digest, chosen.Bytes.Length) { Platform = child.Platform };
        }
        else
        {
            manifest = (ImageManifest)document;
            manifestDescriptor = new Descriptor(manifest.MediaType, top.Digest, top.Bytes.Length);
        }

        var configBytes = FromCache(manifest.Config)
                          ?? await client.GetSmallBlobAsync(reference.Repository, manifest.Config, cancellationToken).ConfigureAwait(false);
        var config = ManifestParser.ParseConfig(configBytes);
        ManifestParser.CheckConsistent(manifest, config);
        if (manifestDescriptor.Platform is null)
            manifestDescriptor = manifestDescriptor with { Platform = config.Platform };
        else if (manifestDescriptor.Platform.OsVersion is null && config.Platform.OsVersion is not null)
            manifestDescriptor = manifestDescriptor with { Platform = manifestDescriptor.Platform with { OsVersion = config.Platform.OsVersion } };

        var image = new ExportImage(reference, manifestDescriptor, chosen.Bytes, manifest, configBytes, config);
        return new ResolvedImage(image, index, top.Digest, top.Bytes);
    }

    /// <summary>The config from the blob cache, verified against its descriptor; null when absent or not right.</summary>
    private byte[]? FromCache(Descriptor config)
    {
        var store = registries.BlobCache;
        if (store is null || config.Size > ManifestParser.MaxDocumentSize || !store.Contains(config.Digest, config.Size)) return null;
        try
        {
            var bytes = File.ReadAllBytes(store.PathOf(config.Digest));
            BlobVerifier.Check(config, bytes, "the cache");
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IntegrityException)
        {
            return null;
        }
    }
}

/// <summary>A resolved image plus what was seen on the way (the index, if any, for <c>inspect</c>).</summary>
public sealed record ResolvedImage(ExportImage Image, ImageIndex? Index, Digest TopDigest, ReadOnlyMemory<byte> TopBytes);
