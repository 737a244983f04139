namespace McrExport.Http;

/// <summary>
/// Where a request chain started, which decides what its redirects may reach. A registry the user named passes its
/// standing on to the hops it redirects to; a URL taken from image content (a foreign layer's <c>urls</c>) has none.
/// </summary>
/// <param name="Authority">the registry's <c>host[:port]</c>, or null for content URLs.</param>
/// <param name="PlainHttp">the registry itself is spoken to over plain http (loopback or named insecure).</param>
/// <param name="Internal">the registry is on a loopback or private address, or was named insecure.</param>
/// <param name="Chosen">the user named this host (a registry on the command line), so it may be on any address;
/// false for a host the registry pointed at (a token realm), which may be internal only when <paramref name="Internal"/>.</param>
public sealed record RequestOrigin(string? Authority, bool PlainHttp, bool Internal, bool Chosen = true)
{
    /// <summary>A URL from image content: every hop is judged on its own (the strict rule).</summary>
    public static RequestOrigin Content { get; } = new(null, false, false);

    public bool IsRegistry => Authority is not null;

    public bool IsOrigin(Uri target) =>
        Authority is not null && string.Equals(target.Authority, Authority, StringComparison.OrdinalIgnoreCase);
}

/// <summary>What a hop that passed the policy may connect to.</summary>
/// <param name="AllowInternalAddresses">the host may resolve to loopback, private or link-local addresses.</param>
public readonly record struct HopPermission(bool AllowInternalAddresses);
