using System.Net.Http.Headers;
using McrExport.Model;
using McrExport.Tests.Fakes;

namespace McrExport.Tests.AirGap;

/// <summary>Seeds a real registry with test images over plain HTTP (monolithic uploads; foreign layers not uploaded).</summary>
public sealed class RegistrySeeder(Uri baseUri) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUri };

    public async Task PushAsync(string repository, string? tag, TestImage image, CancellationToken ct)
    {
        await BlobAsync(repository, image.ConfigBytes, ct);
        foreach (var layer in image.Layers.Where(l => !l.IsForeign)) await BlobAsync(repository, layer.Bytes, ct);
        await ManifestAsync(repository, tag ?? image.ManifestDigest.ToString(), image.ManifestBytes, image.ManifestMediaType, ct);
    }

    public async Task PushAsync(string repository, string tag, TestIndex index, CancellationToken ct)
    {
        foreach (var image in index.Images) await PushAsync(repository, null, image, ct);
        await ManifestAsync(repository, tag, index.Bytes, index.MediaType, ct);
    }

    /// <summary>The manifest bytes the registry serves for a tag or digest.</summary>
    public async Task<byte[]> GetManifestAsync(string repository, string reference, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{reference}");
        foreach (var type in MediaTypes.ManifestAccept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        using var response = await _http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    public async Task<bool> HasBlobAsync(string repository, Digest digest, CancellationToken ct)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/blobs/{digest}"), ct);
        return response.IsSuccessStatusCode;
    }

    private async Task BlobAsync(string repository, byte[] bytes, CancellationToken ct)
    {
        using var start = await _http.PostAsync($"v2/{repository}/blobs/uploads/", null, ct);
        start.EnsureSuccessStatusCode();
        var location = start.Headers.Location!;
        if (!location.IsAbsoluteUri) location = new Uri(_http.BaseAddress!, location);
        var put = location + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Digest.Compute(bytes);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var done = await _http.PutAsync(put, content, ct);
        done.EnsureSuccessStatusCode();
    }

    private async Task ManifestAsync(string repository, string reference, byte[] bytes, string mediaType, CancellationToken ct)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await _http.PutAsync($"v2/{repository}/manifests/{reference}", content, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"PUT manifest {repository}:{reference}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    public void Dispose() => _http.Dispose();
}
