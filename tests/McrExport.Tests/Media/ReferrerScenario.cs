using System.Net.Http.Headers;
using McrExport.Model;
using McrExport.Tests.Fakes;

namespace McrExport.Tests.Media;

/// <summary>
/// An image and what travels with it: a Notary signature and an SPDX SBOM of the image, a Notary signature of the
/// SBOM (a referrer of a referrer), and a cosign signature under the tag <c>sha256-&lt;hex&gt;.sig</c>.
/// </summary>
public sealed record ReferrerScenario(TestImage Image, TestArtifact Signature, TestArtifact Sbom, TestArtifact SbomSignature, TestArtifact Cosign)
{
    public const string Repository = "signed/app";
    public const string Tag = "1.0";

    public IReadOnlyList<TestArtifact> All => [Signature, Sbom, SbomSignature, Cosign];

    /// <param name="image">the signed image; a small OCI image when null.</param>
    public static ReferrerScenario Create(TestImage? image = null)
    {
        image ??= TestImages.Image(new Platform("linux", "amd64"), [Layer.FromFiles(LayerFile.Text("etc/app.txt", "signed app\n"))], ManifestFormat.Oci);
        var signature = TestArtifacts.NotarySignature(image.ManifestMediaType, image.ManifestDigest, image.ManifestBytes.Length);
        var sbom = TestArtifacts.SpdxSbom(image.ManifestMediaType, image.ManifestDigest, image.ManifestBytes.Length);
        var sbomSignature = TestArtifacts.NotarySignature(MediaTypes.OciManifest, sbom.Digest, sbom.ManifestBytes.Length, seed: "sbom");
        var cosign = TestArtifacts.CosignSignature(image.ManifestDigest, Repository);
        return new ReferrerScenario(image, signature, sbom, sbomSignature, cosign);
    }

    /// <summary>Into the in-process fake: manifests by digest (the fake's referrers API lists them), the cosign tag; no tag schema index.</summary>
    public void SeedInto(FakeRegistry registry)
    {
        registry.Push(Repository, Tag, Image);
        foreach (var artifact in All)
        {
            foreach (var blob in artifact.Blobs) registry.AddBlob(blob, Repository);
            registry.AddManifest(Repository, artifact.Tag, artifact.ManifestBytes, MediaTypes.OciManifest);
        }
    }

    /// <summary>
    /// Into a real distribution registry (2.8: no referrers API), as a client of the referrers tag schema leaves it:
    /// each referrer by digest, the index tagged <c>sha256-&lt;hex of the subject&gt;</c> listing it, the cosign tag.
    /// </summary>
    public async Task SeedIntoAsync(Uri registry, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = registry };
        await PushBlobAsync(http, Image.ConfigBytes, ct);
        foreach (var layer in Image.Layers) await PushBlobAsync(http, layer.Bytes, ct);
        await PutManifestAsync(http, Tag, Image.ManifestBytes, Image.ManifestMediaType, ct);
        foreach (var artifact in All)
        {
            foreach (var blob in artifact.Blobs) await PushBlobAsync(http, blob, ct);
            await PutManifestAsync(http, artifact.Tag ?? artifact.Digest.ToString(), artifact.ManifestBytes, MediaTypes.OciManifest, ct);
        }
        await PutManifestAsync(http, ReferrerTags.FallbackTag(Image.ManifestDigest), TestArtifacts.TagSchemaIndex(Signature, Sbom), MediaTypes.OciIndex, ct);
        await PutManifestAsync(http, ReferrerTags.FallbackTag(Sbom.Digest), TestArtifacts.TagSchemaIndex(SbomSignature), MediaTypes.OciIndex, ct);
    }

    private static async Task PushBlobAsync(HttpClient http, byte[] bytes, CancellationToken ct)
    {
        using var start = await http.PostAsync($"v2/{Repository}/blobs/uploads/", null, ct);
        start.EnsureSuccessStatusCode();
        var location = start.Headers.Location!;
        if (!location.IsAbsoluteUri) location = new Uri(http.BaseAddress!, location);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var done = await http.PutAsync(location + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Digest.Compute(bytes), content, ct);
        done.EnsureSuccessStatusCode();
    }

    private static async Task PutManifestAsync(HttpClient http, string reference, byte[] bytes, string mediaType, CancellationToken ct)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PutAsync($"v2/{Repository}/manifests/{reference}", content, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"PUT {reference}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    /// <summary>A manifest (or index) as a registry serves it, and its Content-Type; null on 404.</summary>
    public static async Task<(byte[] Bytes, string? ContentType)?> GetManifestAsync(Uri registry, string repository, string reference, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = registry };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{reference}");
        foreach (var type in MediaTypes.ManifestAccept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync(ct), response.Content.Headers.ContentType?.MediaType);
    }
}
