using System.Collections.Concurrent;
using McrExport.Http;
using McrExport.Model;
using McrExport.Registry.Auth;

namespace McrExport.Registry;

/// <summary>One <see cref="RegistryClient"/> per registry host for a run, sharing the transport and token caches.</summary>
public sealed class RegistryClientPool(HttpTransport transport, ICredentialSource credentials, RetryPolicy retry)
{
    private readonly ConcurrentDictionary<string, RegistryClient> _clients = new(StringComparer.OrdinalIgnoreCase);

    public HttpTransport Transport => transport;

    public RetryPolicy Retry => retry;

    /// <summary>The blob cache small blobs (configs) are taken from when it holds them verified; null asks the registry.</summary>
    public Content.BlobStore? BlobCache { get; init; }

    public RegistryClient For(ImageReference reference) =>
        _clients.GetOrAdd(reference.Registry, _ => new RegistryClient(reference.Registry, reference.ApiHost, transport, credentials, retry));
}
