namespace McrExport.Registry.Referrers;

/// <summary>
/// Bounds on what referrer discovery follows, so a registry cannot make an export fetch without end: how many
/// referrers in all, how deep (a signature of an SBOM of an image is depth 2), and how many bytes their blobs take.
/// </summary>
public sealed record ReferrerLimits(int MaxCount = 64, int MaxDepth = 4, long MaxBlobBytes = 512L * 1024 * 1024)
{
    public static readonly ReferrerLimits Default = new();
}
