using McrExport.Content;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Registry;

namespace McrExport.Resolve;

/// <summary>
/// The registry as a source: turns a reference into a member of an <see cref="ImageSet"/>. Fetches the manifest
/// (verified), picks a platform from an index (or, for a whole index, takes every child), fetches and checks each
/// image's config. Layers are not downloaded here; artifacts' blobs are left to the transfer too.
/// </summary>
public sealed class RegistrySource(RegistryClientPool registries, Platform host)
{
    /// <summary>One image: the reference's manifest, or the index entry for the platform asked for.</summary>
    public async Task<ResolvedImage> ResolveAsync(ImageReference reference, PlatformRequest platform, CancellationToken cancellationToken)
    {
        var client = registries.For(reference);
        var top = await GetTopAsync(client, reference, cancellationToken).ConfigureAwait(false);
        var document = ManifestParser.Parse(top.Bytes.Span, top.ContentType);
        if (document is ImageIndex index)
        {
            var child = PlatformSelector.Select(index, platform, host);
            if (!MediaTypes.IsImageManifest(child.MediaType))
                throw new InvalidManifestException($"the index entry for {child.Platform} is a {child.MediaType}, not an image manifest");
            var node = await FetchChildAsync(client, reference.Repository, child, cancellationToken).ConfigureAwait(false);
            if (node is not Image chosen)
                throw new InvalidManifestException($"the index entry for {child.Platform} ({child.Digest}) is an artifact, not an image");
            return new ResolvedImage(new SetEntry(WithPlatform(chosen), reference), index, top.Digest, top.Bytes);
        }
        var descriptor = new Descriptor(((ImageManifest)document).MediaType, top.Digest, top.Bytes.Length);
        var image = await ReadImageAsync(client, reference.Repository, descriptor, top.Bytes, (ImageManifest)document, cancellationToken).ConfigureAwait(false);
        PlatformSelector.CheckSingle(image.Platform, platform, reference.ToString());
        return new ResolvedImage(new SetEntry(WithPlatform(image), reference), null, top.Digest, top.Bytes);
    }

    /// <summary>
    /// The reference whole (<c>--all-platforms</c>, registry → registry copies): an index with every child that is a
    /// manifest (images and artifacts), or the single image when the reference names one.
    /// </summary>
    public async Task<SetEntry> ResolveWholeAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        var client = registries.For(reference);
        var top = await GetTopAsync(client, reference, cancellationToken).ConfigureAwait(false);
        var document = ManifestParser.Parse(top.Bytes.Span, top.ContentType);
        if (document is ImageManifest manifest)
        {
            var descriptor = new Descriptor(manifest.MediaType, top.Digest, top.Bytes.Length);
            ManifestNode node = ManifestParser.IsImage(descriptor, manifest)
                ? WithPlatform(await ReadImageAsync(client, reference.Repository, descriptor, top.Bytes, manifest, cancellationToken).ConfigureAwait(false))
                : new Artifact(descriptor, top.Bytes, manifest);
            return new SetEntry(node, reference);
        }
        var index = (ImageIndex)document;
        var children = new List<ManifestNode>();
        foreach (var child in index.Manifests)
        {
            if (!MediaTypes.IsImageManifest(child.MediaType)) continue;
            children.Add(await FetchChildAsync(client, reference.Repository, child, cancellationToken).ConfigureAwait(false));
        }
        if (!children.OfType<Image>().Any()) throw new PlatformNotFoundException($"the index of {reference} lists no image manifests");
        return new SetEntry(new IndexNode(new Descriptor(index.MediaType, top.Digest, top.Bytes.Length), top.Bytes, index, children), reference);
    }

    private static async Task<ManifestResponse> GetTopAsync(RegistryClient client, ImageReference reference, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetManifestAsync(reference.Repository, reference.ManifestReference, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException e) when (reference.Digest is null && reference.Tag is { } tag)
        {
            throw await MissingTag.ExplainAsync(client, reference, tag, e, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One child of an index, by digest: verified against the entry, an image (config fetched) or an artifact.</summary>
    private async Task<ManifestNode> FetchChildAsync(RegistryClient client, string repository, Descriptor child, CancellationToken cancellationToken)
    {
        var response = await client.GetManifestAsync(repository, child.Digest.ToString(), cancellationToken).ConfigureAwait(false);
        if (response.Bytes.Length != child.Size)
            throw new DigestMismatchException($"manifest {child.Digest} has {response.Bytes.Length} bytes, the index says {child.Size}");
        var manifest = ManifestParser.Parse(response.Bytes.Span, response.ContentType) as ImageManifest
            ?? throw new InvalidManifestException($"manifest {child.Digest} is an index inside an index");
        var descriptor = new Descriptor(manifest.MediaType, response.Digest, response.Bytes.Length)
        {
            Platform = child.Platform,
            Annotations = child.Annotations,
        };
        if (!ManifestParser.IsImage(child, manifest)) return new Artifact(descriptor, response.Bytes, manifest);
        return await ReadImageAsync(client, repository, descriptor, response.Bytes, manifest, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Image> ReadImageAsync(RegistryClient client, string repository, Descriptor descriptor, ReadOnlyMemory<byte> bytes,
        ImageManifest manifest, CancellationToken cancellationToken)
    {
        var configBytes = FromCache(manifest.Config)
                          ?? await client.GetSmallBlobAsync(repository, manifest.Config, cancellationToken).ConfigureAwait(false);
        var config = ManifestParser.ParseConfig(configBytes);
        ManifestParser.CheckConsistent(manifest, config);
        return new Image(descriptor, bytes, manifest, configBytes, config);
    }

    /// <summary>The config from the blob cache, verified against its descriptor; null when absent or not right.</summary>
    private byte[]? FromCache(Descriptor config)
    {
        var store = registries.BlobCache;
        if (store is null || config.Size > ManifestParser.MaxDocumentSize || !store.Contains(config.Digest, config.Size)) return null;
        try
        {
            // Through the store: a regular file only, not followed through a link, re-hashed when its stamp changed.
            using var stream = store.OpenRead(config.Digest);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            BlobVerifier.Check(config, bytes, "the cache");
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IntegrityException)
        {
            return null;
        }
    }

    /// <summary>The descriptor carries the platform (from the index, else the config), as index.json entries show it.</summary>
    private static Image WithPlatform(Image image) =>
        image with { Descriptor = image.Descriptor with { Platform = image.Platform } };
}

/// <summary>A resolved image plus what was seen on the way (the index, if any, for <c>inspect</c>).</summary>
public sealed record ResolvedImage(SetEntry Image, ImageIndex? Index, Digest TopDigest, ReadOnlyMemory<byte> TopBytes);
