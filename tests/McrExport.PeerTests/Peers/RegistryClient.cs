using System.Net;
using System.Net.Http.Headers;
using McrExport.Model;

namespace McrExport.PeerTests.Peers;

/// <summary>The few distribution API calls the harness needs: read a manifest as stored, push blobs and manifests.</summary>
public sealed class RegistryClient(Uri baseUri) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };

    public sealed record StoredManifest(byte[] Bytes, string MediaType, Digest Digest);

    /// <summary>The manifest bytes exactly as the registry serves them, accepting every schema2 and OCI type.</summary>
    public async Task<StoredManifest> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{reference}");
        foreach (var type in MediaTypes.ManifestAccept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        using var response = await _http.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GET {request.RequestUri}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        return new StoredManifest(bytes, response.Content.Headers.ContentType?.MediaType ?? "", Digest.Compute(bytes));
    }

    public async Task<bool> BlobExistsAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v2/{repository}/blobs/{digest}");
        using var response = await _http.SendAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Monolithic upload: POST for an upload session, then one PUT with the bytes and the digest.</summary>
    public async Task PushBlobAsync(string repository, Digest digest, byte[] bytes, CancellationToken cancellationToken)
    {
        if (await BlobExistsAsync(repository, digest, cancellationToken)) return;
        using var start = await _http.PostAsync($"v2/{repository}/blobs/uploads/", null, cancellationToken);
        Ensure(start, "start upload");
        var location = start.Headers.Location ?? throw new HttpRequestException("upload answered without Location");
        if (!location.IsAbsoluteUri) location = new Uri(_http.BaseAddress!, location);
        var separator = location.Query.Length > 0 ? "&" : "?";
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await _http.PutAsync(new Uri(location + $"{separator}digest={Uri.EscapeDataString(digest.ToString())}"),
            content, cancellationToken);
        Ensure(put, $"upload {digest}");
    }

    public async Task PushManifestAsync(string repository, string reference, string mediaType, byte[] bytes,
        CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var put = await _http.PutAsync($"v2/{repository}/manifests/{reference}", content, cancellationToken);
        Ensure(put, $"put manifest {repository}:{reference}");
    }

    private static void Ensure(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode) return;
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        throw new HttpRequestException($"{what}: {(int)response.StatusCode} {body}");
    }

    public void Dispose() => _http.Dispose();
}
