using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Resolve;

/// <summary>
/// Picks one image from an index or manifest list. Attestations (<c>unknown/unknown</c>) are never chosen.
/// <c>--os-version</c> matches on the given components (<c>10.0.17763</c> matches <c>10.0.17763.6532</c>) and the
/// highest revision wins. With no <c>--platform</c>: the only platform if there is one, otherwise the host's os and
/// architecture; when that still leaves a choice, an error lists every platform with its os.version.
/// </summary>
public static class PlatformSelector
{
    public static Descriptor Select(ImageIndex index, PlatformRequest request, Platform host)
    {
        var candidates = index.Manifests.Where(IsImage).ToList();
        if (candidates.Count == 0) throw new PlatformNotFoundException("the index lists no image manifests");

        IEnumerable<Descriptor> matching = candidates;
        if (request.Platform is { } wanted)
            matching = matching.Where(d => Matches(d.Platform, wanted));
        if (request.OsVersion is { } version)
            matching = matching.Where(d => OsVersionMatches(d.Platform?.OsVersion, version));
        var list = matching.ToList();

        if (request.Platform is null && list.Select(d => Key(d.Platform)).Distinct().Count() > 1)
        {
            var onHost = list.Where(d => d.Platform is { } p && p.Os == host.Os && p.Architecture == host.Architecture).ToList();
            if (onHost.Count > 0) list = onHost;
        }

        if (list.Count == 0)
            throw new PlatformNotFoundException($"no image for {Describe(request)} in the index; it has {ListPlatforms(candidates)}")
            {
                Hint = "choose one with --platform os/arch[/variant] (and --os-version for Windows)",
            };

        if (list.Select(d => Key(d.Platform)).Distinct().Count() > 1)
        {
            throw new PlatformNotFoundException($"the image has several platforms: {ListPlatforms(list)}")
            {
                Hint = "choose one with --platform os/arch[/variant] (and --os-version for Windows)",
            };
        }

        var windowsVersions = list.Where(d => d.Platform?.OsVersion is not null).ToList();
        if (windowsVersions.Count > 1)
        {
            var builds = windowsVersions.Select(d => Build(d.Platform!.OsVersion!)).Distinct().ToList();
            if (builds.Count > 1 && request.OsVersion is null && host is { Os: "windows", OsVersion: { } hostVersion })
            {
                var sameBuild = windowsVersions.Where(d => Build(d.Platform!.OsVersion!) == Build(hostVersion)).ToList();
                if (sameBuild.Count > 0) return sameBuild.OrderByDescending(d => ParseVersion(d.Platform!.OsVersion!)).First();
            }
            if (builds.Count > 1 && request.OsVersion is null)
                throw new PlatformNotFoundException($"the image has several Windows versions: {ListPlatforms(list)}")
                {
                    Hint = "choose one with --os-version (for example --os-version 10.0.17763 for ltsc2019)",
                };
            return windowsVersions.OrderByDescending(d => ParseVersion(d.Platform!.OsVersion!)).First();
        }
        return list[0];
    }

    /// <summary>
    /// A reference that names one image (no index): <c>--platform</c> and <c>--os-version</c> must fit that image's own
    /// platform (from its config), as <c>docker pull --platform</c> checks; otherwise a machine of another platform
    /// would get an image it cannot run. An image whose config names no platform is taken as it is.
    /// </summary>
    public static void CheckSingle(Platform actual, PlatformRequest request, string what)
    {
        if (actual.Os.Length == 0 || actual.Architecture.Length == 0) return;
        var platformOff = request.Platform is { } wanted && !Matches(actual, wanted);
        var versionOff = request.OsVersion is { } version && actual.OsVersion is not null && !OsVersionMatches(actual.OsVersion, version);
        if (platformOff || versionOff)
            throw new PlatformNotFoundException(
                $"{what} is a single {actual} image, not {string.Join(" ", new[] { request.Platform?.ToString(), request.OsVersion is null ? null : $"os.version {request.OsVersion}" }.OfType<string>())}")
            {
                Hint = "it has no other platform; leave out --platform/--os-version to take it as it is",
            };
    }

    /// <summary>True for entries that are images (not attestations or other artifacts).</summary>
    public static bool IsImage(Descriptor d) => !ManifestParser.IsAttestation(d);

    private static string Key(Platform? p) => p is null ? "" : $"{p.Os}/{p.Architecture}/{NormalizeVariant(p)}";

    private static bool Matches(Platform? actual, Platform wanted)
    {
        if (actual is null) return false;
        if (!actual.Os.Equals(wanted.Os, StringComparison.OrdinalIgnoreCase)) return false;
        if (!actual.Architecture.Equals(wanted.Architecture, StringComparison.OrdinalIgnoreCase)) return false;
        return wanted.Variant is null || string.Equals(NormalizeVariant(actual), NormalizeVariant(wanted), StringComparison.OrdinalIgnoreCase);
    }

    private static string? NormalizeVariant(Platform p) =>
        p.Architecture == "arm64" && p.Variant is null or "v8" ? "v8" : p.Variant;

    /// <summary><c>10.0.17763</c> matches <c>10.0.17763.6532</c>; every given component must be equal.</summary>
    public static bool OsVersionMatches(string? actual, string wanted)
    {
        if (actual is null) return false;
        var a = actual.Split('.');
        var w = wanted.Split('.');
        if (w.Length > a.Length) return false;
        for (var i = 0; i < w.Length; i++)
            if (a[i] != w[i]) return false;
        return true;
    }

    private static string Build(string osVersion)
    {
        var parts = osVersion.Split('.');
        return parts.Length >= 3 ? string.Join('.', parts[..3]) : osVersion;
    }

    private static Version ParseVersion(string osVersion) =>
        Version.TryParse(osVersion, out var v) ? v : new Version(0, 0);

    private static string Describe(PlatformRequest request) =>
        $"{(request.Platform?.ToString() ?? "any platform")}{(request.OsVersion is null ? "" : $" os.version {request.OsVersion}")}";

    public static string ListPlatforms(IEnumerable<Descriptor> descriptors) =>
        string.Join(", ", descriptors.Select(d => d.Platform?.ToString() ?? "(no platform)"));
}
