using System.Net.Http.Headers;
using McrExport.Model;
using McrExport.Tests.Fakes;

namespace McrExport.Tests.Network;

/// <summary>Pushes test images into a registry through a given handler (a TLS registry with a test CA, say).</summary>
public sealed class HandlerSeeder(Uri baseUri, HttpMessageHandler handler) : IDisposable
{
    private readonly HttpClient _http = new(handler) { BaseAddress = baseUri };

    public async Task PushAsync(string repository, string tag, TestImage image, CancellationToken ct)
    {
        await BlobAsync(repository, image.ConfigBytes, ct);
        foreach (var layer in image.Layers.Where(l => !l.IsForeign)) await BlobAsync(repository, layer.Bytes, ct);
        using var content = new ByteArrayContent(image.ManifestBytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(image.ManifestMediaType);
        using var response = await _http.PutAsync($"v2/{repository}/manifests/{tag}", content, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"PUT manifest {repository}:{tag}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
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

    public void Dispose() => _http.Dispose();
}
