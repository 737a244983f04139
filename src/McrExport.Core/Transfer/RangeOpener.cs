using System.Net;
using System.Net.Http.Headers;
using McrExport.Http;
using McrExport.Model;
using McrExport.Planning;
using McrExport.Registry;

namespace McrExport.Transfer;

/// <summary>
/// Opens byte ranges of one blob at one source. The first answer's final URL (a storage host the registry redirected
/// to) is remembered and asked directly for the next ranges, without credentials; when that URL answers 401, 403 or
/// 404 (a signed URL that expired) the original URL is asked again for a fresh redirect. Every request goes through
/// the one transport, so its redirect and credential policy applies to each hop.
/// </summary>
internal sealed class RangeOpener(Descriptor descriptor, BlobSource source, HttpTransport transport)
{
    private Uri? _direct;
    private RequestOrigin? _directOrigin;

    /// <summary>How many times a remembered URL was refused and the origin asked again.</summary>
    public int Refreshes;

    /// <summary>Opens bytes <c>[from, to]</c> (inclusive; <paramref name="to"/> null means to the end).</summary>
    public async Task<HttpResponseMessage> OpenAsync(long from, long? to, CancellationToken cancellationToken)
    {
        void SetRange(HttpRequestMessage request)
        {
            if (from > 0 || to is not null) request.Headers.Range = new RangeHeaderValue(from, to);
        }

        if (Volatile.Read(ref _direct) is { } direct)
        {
            var response = await transport.SendAsync(HttpMethod.Get, direct, SetRange, trustedAuthority: null, authorize: null,
                Volatile.Read(ref _directOrigin), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
                return await EnsureAsync(response, null, cancellationToken).ConfigureAwait(false);
            response.Dispose();
            Interlocked.CompareExchange(ref _direct, null, direct);
            Interlocked.Increment(ref Refreshes);
        }

        switch (source)
        {
            case RegistryBlobSource registry:
            {
                var response = await registry.Client.SendAsync(HttpMethod.Get, $"v2/{registry.Repository}/blobs/{descriptor.Digest}",
                    RegistryClient.PullScope(registry.Repository), SetRange, cancellationToken).ConfigureAwait(false);
                response = await EnsureAsync(response, registry.Client, cancellationToken).ConfigureAwait(false);
                Remember(response, registry.Client.BaseUri, transport.OriginOf(registry.Client.BaseUri));
                return response;
            }
            case UrlBlobSource url:
            {
                var uri = transport.Policy.CheckForeignUrl(url.Url);
                var response = await transport.SendAsync(HttpMethod.Get, uri, SetRange, trustedAuthority: null, authorize: null,
                    cancellationToken).ConfigureAwait(false);
                response = await EnsureAsync(response, null, cancellationToken).ConfigureAwait(false);
                Remember(response, uri, null);
                return response;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(source));
        }
    }

    /// <param name="standing">the registry's standing, which the remembered URL keeps (null: a content URL, strict rule).</param>
    private void Remember(HttpResponseMessage response, Uri origin, RequestOrigin? standing)
    {
        if (response.RequestMessage?.RequestUri is { } final
            && !string.Equals(final.Authority, origin.Authority, StringComparison.OrdinalIgnoreCase))
        {
            Volatile.Write(ref _directOrigin, standing);
            Volatile.Write(ref _direct, final);
        }
    }

    private async Task<HttpResponseMessage> EnsureAsync(HttpResponseMessage response, RegistryClient? client, CancellationToken cancellationToken)
    {
        try
        {
            if (client is not null)
                await client.EnsureSuccessAsync(response, $"blob {descriptor.Digest} in {((RegistryBlobSource)source).Repository}", cancellationToken).ConfigureAwait(false);
            else
                await RegistryClient.EnsureSuccessAsync(response, null, $"blob {descriptor.Digest} at {response.RequestMessage?.RequestUri?.Host}", cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
