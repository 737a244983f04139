using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>The kinds of <c>/v2/</c> endpoints the fake serves.</summary>
public enum RegistryEndpoint { Base, Manifest, Blob, Tags, Referrers }

/// <summary>A parsed <c>/v2/…</c> path: which endpoint, for which repository, with which tag or digest.</summary>
public sealed record RegistryRoute(RegistryEndpoint Endpoint, string? Repository, string? Reference)
{
    public Digest? ReferenceDigest => Digest.TryParse(Reference, out var d) ? d : null;

    /// <summary>Parses <paramref name="path"/>; null when it is not a registry API path.</summary>
    public static RegistryRoute? Parse(string path)
    {
        if (path is "/v2" or "/v2/") return new RegistryRoute(RegistryEndpoint.Base, null, null);
        if (!path.StartsWith("/v2/", StringComparison.Ordinal)) return null;
        var rest = path[4..];
        if (rest.EndsWith("/tags/list", StringComparison.Ordinal))
            return Valid(RegistryEndpoint.Tags, rest[..^"/tags/list".Length], null);
        foreach (var (marker, endpoint) in new[] { ("/manifests/", RegistryEndpoint.Manifest), ("/blobs/", RegistryEndpoint.Blob), ("/referrers/", RegistryEndpoint.Referrers) })
        {
            var at = rest.LastIndexOf(marker, StringComparison.Ordinal);
            if (at > 0) return Valid(endpoint, rest[..at], rest[(at + marker.Length)..]);
        }
        return null;
    }

    private static RegistryRoute? Valid(RegistryEndpoint endpoint, string repository, string? reference) =>
        ImageReference.IsValidRepository(repository) && (reference is null || (reference.Length > 0 && !reference.Contains('/')))
            ? new RegistryRoute(endpoint, repository, reference)
            : null;
}
