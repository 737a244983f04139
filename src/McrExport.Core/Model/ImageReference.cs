using System.Text.RegularExpressions;
using McrExport.Errors;

namespace McrExport.Model;

/// <summary>
/// A parsed image reference, Docker's grammar <c>[host[:port]/]path[:tag][@digest]</c> with this tool's defaults:
/// no host means <c>mcr.microsoft.com</c>; <c>servercore</c>, <c>nanoserver</c> and <c>server</c> mean the
/// <c>windows/</c> images; <c>docker.io</c> names go to Docker Hub's API host with <c>library/</c> for official images;
/// no tag and no digest means <c>latest</c>.
/// </summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, Digest? Digest)
{
    public const string DefaultRegistry = "mcr.microsoft.com";
    public const string DockerHub = "docker.io";
    public const string DockerHubApiHost = "registry-1.docker.io";
    public const int MaxNameLength = 255;

    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["servercore"] = "windows/servercore",
        ["nanoserver"] = "windows/nanoserver",
        ["server"] = "windows/server",
    };

    /// <summary>The host (and port) the registry API is served on.</summary>
    public string ApiHost => Registry == DockerHub ? DockerHubApiHost : Registry;

    /// <summary>The name as Docker shows it: Docker Hub names without host (and without <c>library/</c>).</summary>
    public string FamiliarName => Registry == DockerHub
        ? (Repository.StartsWith("library/", StringComparison.Ordinal) ? Repository["library/".Length..] : Repository)
        : $"{Registry}/{Repository}";

    /// <summary>The full name, host included (<c>docker.io/library/alpine</c>).</summary>
    public string FullName => $"{Registry}/{Repository}";

    /// <summary>The tag or digest to ask the registry for.</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? "latest";

    /// <summary><c>name:tag</c> for RepoTags, or null when the image is pinned by digest only.</summary>
    public string? FamiliarNameWithTag => Tag is null ? null : $"{FamiliarName}:{Tag}";

    public override string ToString() =>
        $"{FullName}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathComponent();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();

    /// <summary>True when <paramref name="tag"/> follows the tag grammar.</summary>
    public static bool IsValidTag(string tag) => TagPattern().IsMatch(tag);

    /// <summary>True when <paramref name="repository"/> is a valid repository path (no host).</summary>
    public static bool IsValidRepository(string repository) =>
        repository.Length is > 0 and <= MaxNameLength && repository.Split('/').All(PathComponent().IsMatch);

    /// <summary>Parses a reference as typed by a user.</summary>
    /// <exception cref="InvalidReferenceException">the reference breaks the grammar; the message says where.</exception>
    public static ImageReference Parse(string? text)
    {
        var input = text ?? "";
        if (string.IsNullOrWhiteSpace(input)) throw new InvalidReferenceException(input, "it is empty");
        if (input.Any(char.IsWhiteSpace)) throw new InvalidReferenceException(input, "it contains white space");
        if (input.Length > 1024) throw new InvalidReferenceException(input[..64] + "…", "it is too long");

        var rest = input;
        Digest? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var digestText = rest[(at + 1)..];
            if (!Model.Digest.TryParse(digestText, out var d))
                throw new InvalidReferenceException(input, $"'{digestText}' is not a valid digest (sha256: and 64 lowercase hex characters)");
            digest = d;
            rest = rest[..at];
        }

        string? registry = null;
        var slash = rest.IndexOf('/');
        if (slash > 0)
        {
            var first = rest[..slash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsAsciiLetterUpper))
            {
                if (!HostPattern().IsMatch(first)) throw new InvalidReferenceException(input, $"'{first}' is not a valid registry host");
                // Host names are case-insensitive, but one without '.', ':' or "localhost" is a host only by its
                // capitals (Docker's rule): lowercased, it would print as a path component of the default registry.
                var lower = first.ToLowerInvariant();
                registry = lower.Contains('.') || lower.Contains(':') || lower == "localhost" ? lower : first;
                rest = rest[(slash + 1)..];
            }
        }

        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon >= 0 && colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
                throw new InvalidReferenceException(input, $"'{tag}' is not a valid tag (letters, digits, '_', '.', '-'; up to 128; not starting with '.' or '-')");
        }

        if (rest.Length == 0) throw new InvalidReferenceException(input, "the repository name is missing");
        foreach (var component in rest.Split('/'))
        {
            if (component.Length == 0) throw new InvalidReferenceException(input, "the repository name has an empty path component");
            if (!PathComponent().IsMatch(component))
                throw new InvalidReferenceException(input, component.Any(char.IsAsciiLetterUpper)
                    ? $"'{component}' must be lowercase"
                    : $"'{component}' is not a valid name component (lowercase letters, digits and separators '.', '_', '__', '-')");
        }

        if (registry is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com") registry = DockerHub;
        registry ??= DefaultRegistry;
        var repository = rest;
        if (registry == DefaultRegistry && ShortNames.TryGetValue(repository, out var full)) repository = full;
        if (registry == DockerHub && !repository.Contains('/')) repository = "library/" + repository;
        if (registry.Length + 1 + repository.Length > MaxNameLength)
            throw new InvalidReferenceException(input, $"the name is longer than {MaxNameLength} characters");

        if (tag is null && digest is null) tag = "latest";
        return new ImageReference(registry, repository, tag, digest);
    }

    /// <summary>Parses a repository (no tag, no digest) as given to <c>tags</c>.</summary>
    public static ImageReference ParseRepository(string text)
    {
        var reference = Parse(text);
        var lastPart = text[(text.LastIndexOf('/') + 1)..];
        if (reference.Digest is not null || lastPart.Contains(':'))
            throw new InvalidReferenceException(text, "give a repository without tag or digest");
        return reference with { Tag = null };
    }

    /// <summary>A file-name-friendly form: <c>servercore-ltsc2019</c>.</summary>
    public string SuggestedFileName()
    {
        var name = Repository.Split('/')[^1];
        var suffix = Tag ?? Digest?.Short;
        return suffix is null ? name : $"{name}-{suffix}";
    }
}
