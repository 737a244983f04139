using McrExport.Errors;
using McrExport.Model;
using McrExport.Output;

namespace McrExport.Copy;

/// <summary>
/// One side of a copy, in skopeo's transport syntax: <c>docker://REFERENCE</c>, <c>docker-archive:PATH[:NAME:TAG]</c>,
/// <c>oci:PATH[:REF]</c>, <c>oci-archive:PATH[:REF]</c> (REF a tag, or a full name as podman writes <c>ref.name</c>);
/// a bare existing path or a reference with a registry host is inferred. A source may be a split archive
/// (<c>NAME.001</c>, <c>NAME.sha256</c> or <c>NAME</c> beside them).
/// </summary>
public abstract record CopyEndpoint
{
    public const string DockerPrefix = "docker://";
    public const string DockerArchivePrefix = "docker-archive:";
    public const string OciPrefix = "oci:";
    public const string OciArchivePrefix = "oci-archive:";

    /// <summary>Parses a source (which must exist when it is a path) or a destination.</summary>
    public static CopyEndpoint Parse(string text, bool isSource)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UsageException("an empty source or destination");
        if (text.StartsWith(DockerPrefix, StringComparison.Ordinal)) return Registry(text[DockerPrefix.Length..], isSource);
        if (text.StartsWith(DockerArchivePrefix, StringComparison.Ordinal)) return Archive(text[DockerArchivePrefix.Length..], OutputFormat.DockerTar, isSource, nameIsReference: true);
        if (text.StartsWith(OciArchivePrefix, StringComparison.Ordinal)) return Archive(text[OciArchivePrefix.Length..], OutputFormat.OciTar, isSource, nameIsReference: false);
        if (text.StartsWith(OciPrefix, StringComparison.Ordinal)) return Archive(text[OciPrefix.Length..], OutputFormat.Oci, isSource, nameIsReference: false);

        if (Directory.Exists(text)) return new ArchiveEndpoint(text, OutputFormat.Oci, null);
        if (File.Exists(text)) return new ArchiveEndpoint(text, isSource ? null : FormatFromName(text), null);
        if (isSource && IsSplitArchive(text)) return new ArchiveEndpoint(text, null, null);
        if (!isSource && LooksLikePath(text)) return new ArchiveEndpoint(text, FormatFromName(text), null);
        if (LooksLikeRegistry(text)) return Registry(text, isSource);
        throw new UsageException(isSource
            ? $"'{text}' is neither an existing archive or folder nor a reference with a registry host"
            : $"cannot tell what '{text}' is: give a transport (docker://, docker-archive:, oci:, oci-archive:)")
        {
            Hint = "for example docker://registry.example:5000/team/app:1.0 or docker-archive:app.tar",
        };
    }

    private static RegistryEndpoint Registry(string text, bool isSource)
    {
        if (isSource || text.Contains('/')) ImageReference.Parse(text);
        return new RegistryEndpoint(text);
    }

    private static ArchiveEndpoint Archive(string rest, OutputFormat format, bool isSource, bool nameIsReference)
    {
        // skopeo's syntax: the path ends at the first ':' (a Windows drive letter aside).
        var from = rest.Length > 2 && rest[1] == ':' && char.IsAsciiLetter(rest[0]) ? 2 : 0;
        var colon = rest.IndexOf(':', from);
        var path = colon < 0 ? rest : rest[..colon];
        var name = colon < 0 ? null : rest[(colon + 1)..];
        if (path.Length == 0) throw new UsageException($"no path in '{rest}'");
        if (name is { Length: 0 }) name = null;
        if (name is not null && !nameIsReference && !ImageReference.IsValidTag(name) && McrExport.Archive.DockerArchiveReader.ParseRepoTag(name) is null)
            throw new UsageException($"'{name}' is neither a tag nor an image name for an OCI layout entry");
        if (isSource && !File.Exists(path) && !Directory.Exists(path) && !IsSplitArchive(path)) throw new UsageException($"'{path}' does not exist");
        return new ArchiveEndpoint(path, format, name);
    }

    /// <summary>A split archive's joined name (<c>NAME</c> beside <c>NAME.001</c> or <c>NAME.sha256</c>), read from its parts in place.</summary>
    private static bool IsSplitArchive(string path) => global::McrExport.Archive.PartSet.TryOpen(path) is not null;

    private static OutputFormat FormatFromName(string path) =>
        path.EndsWith(".oci.tar", StringComparison.OrdinalIgnoreCase) ? OutputFormat.OciTar
        : path.EndsWith(".tar", StringComparison.OrdinalIgnoreCase) ? OutputFormat.DockerTar
        : OutputFormat.Oci;

    private static bool LooksLikePath(string text) =>
        text.StartsWith('.') || text.StartsWith('/') || text.EndsWith(".tar", StringComparison.OrdinalIgnoreCase) || text.EndsWith('/')
        || !text.Contains('/');

    private static bool LooksLikeRegistry(string text)
    {
        var slash = text.IndexOf('/');
        if (slash <= 0) return false;
        var first = text[..slash];
        return first.Contains('.') || first.Contains(':') || first == "localhost";
    }
}

/// <summary>
/// A registry: <c>host/repository[:tag]</c>, or as a destination with <c>--all</c> a host or <c>host/repository</c>
/// (every entry under its own name or tag).
/// </summary>
public sealed record RegistryEndpoint(string Destination) : CopyEndpoint
{
    public ImageReference Reference => ImageReference.Parse(Destination);

    public override string ToString() => DockerPrefix + Destination;
}

/// <summary>
/// A file or folder. <see cref="Format"/> is null for a source whose kind is read from its content. <see cref="Name"/>:
/// the <c>name:tag</c> of a docker archive or the tag of an OCI layout entry (skopeo's <c>PATH:REF</c>).
/// </summary>
public sealed record ArchiveEndpoint(string Path, OutputFormat? Format, string? Name) : CopyEndpoint
{
    public override string ToString() => Path + (Name is null ? "" : ":" + Name);
}
