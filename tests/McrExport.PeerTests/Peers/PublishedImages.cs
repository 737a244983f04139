using McrExport.PeerTests.Images;

namespace McrExport.PeerTests.Peers;

/// <summary>The catalog's images as pushed into the registry, with the references the tests export.</summary>
public sealed class PublishedImages
{
    public const string SmallRepository = "test/small";
    public const string ZstdRepository = "test/zstd";
    public const string MultiRepository = "test/multi";
    public const string WindowsRepository = "test/windows";
    public const string Tag = "v1";
    public const string WindowsTag = "ltsc2019";

    private PublishedImages(RegistryPeer registry, TestImageCatalog catalog, ForeignLayerServer foreignServer)
    {
        Registry = registry;
        Catalog = catalog;
        ForeignServer = foreignServer;
    }

    /// <summary>The host the Windows-like image's foreign layer URL names.</summary>
    public ForeignLayerServer ForeignServer { get; }

    /// <summary>The export options the Windows-like image needs: its platform, and plain http to the URL host.</summary>
    public string[] WindowsExportOptions =>
        ["--platform", "windows/amd64", "--insecure-registry", $"{ForeignLayerServer.Address}:{ForeignServer.Port}"];

    public RegistryPeer Registry { get; }

    public TestImageCatalog Catalog { get; }

    public string Small => Registry.Reference(SmallRepository, Tag);

    public string Zstd => Registry.Reference(ZstdRepository, Tag);

    public string Multi => Registry.Reference(MultiRepository, Tag);

    public string Windows => Registry.Reference(WindowsRepository, WindowsTag);

    /// <summary>
    /// Copies the OCI images into the registry with skopeo from an OCI layout, digests kept. skopeo's <c>oci:</c>
    /// transport looks a tag up only among OCI media types in index.json, so the Docker schema2 images are pushed
    /// over the distribution API as built, foreign layers left out as a registry would.
    /// </summary>
    public static async Task<PublishedImages> PublishAsync(RegistryPeer registry, ForeignLayerServer foreignServer,
        string skopeo, CancellationToken cancellationToken)
    {
        var catalog = TestImageCatalog.Create(foreignServer);
        using var layout = new TempFolder("mcrsrc");
        var writer = new OciLayoutWriter(layout.Path);
        writer.Add(catalog.Zstd, "zstd");
        writer.Add(catalog.MultiPlatform, "multi");
        await CopyAsync(skopeo, layout.Path, "zstd", registry.Reference(ZstdRepository, Tag), all: false, cancellationToken);
        await CopyAsync(skopeo, layout.Path, "multi", registry.Reference(MultiRepository, Tag), all: true, cancellationToken);
        using var client = new RegistryClient(registry.BaseUri);
        await PushAsync(client, catalog.Small, SmallRepository, Tag, cancellationToken);
        await PushAsync(client, catalog.WindowsLike, WindowsRepository, WindowsTag, cancellationToken);
        return new PublishedImages(registry, catalog, foreignServer);
    }

    private static async Task PushAsync(RegistryClient client, TestImage image, string repository, string tag,
        CancellationToken cancellationToken)
    {
        foreach (var layer in image.Layers.Where(layer => layer.Urls is null))
            await client.PushBlobAsync(repository, layer.Digest, layer.Blob, cancellationToken);
        await client.PushBlobAsync(repository, image.ConfigDigest, image.ConfigBytes, cancellationToken);
        await client.PushManifestAsync(repository, tag, image.ManifestMediaType, image.ManifestBytes, cancellationToken);
    }

    private static async Task CopyAsync(string skopeo, string layout, string sourceTag, string destination, bool all,
        CancellationToken cancellationToken)
    {
        List<string> arguments = ["copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false"];
        if (all) arguments.Add("--all");
        arguments.AddRange([$"oci:{layout}:{sourceTag}", $"docker://{destination}"]);
        (await ProcessRunner.RunAsync(skopeo, arguments, TimeSpan.FromMinutes(5), cancellationToken)).EnsureSuccess();
    }
}
