namespace McrExport.Errors;

/// <summary>
/// The base of every error the tool reports to a person. The CLI prints <see cref="Exception.Message"/> on one line
/// (plus <see cref="Hint"/> when there is one) and exits with <see cref="ExitCode"/>.
/// </summary>
public abstract class McrExportException(string message, Exception? inner = null) : Exception(message, inner)
{
    public abstract int ExitCode { get; }

    /// <summary>An optional second line telling the user what to try.</summary>
    public string? Hint { get; init; }
}

/// <summary>The user's input (a reference, an option, a file) is not valid.</summary>
public class UsageException(string message, Exception? inner = null) : McrExportException(message, inner)
{
    public override int ExitCode => ExitCodes.Usage;
}

/// <summary>An image reference does not follow the grammar.</summary>
public sealed class InvalidReferenceException(string reference, string reason)
    : UsageException($"invalid image reference '{reference}': {reason}")
{
    public string Reference { get; } = reference;
}

/// <summary>A digest does not follow the grammar, or names an algorithm that is not supported.</summary>
public sealed class InvalidDigestException(string value, string reason, string? field = null)
    : IntegrityException($"invalid digest{(field is null ? "" : $" in {field}")} '{Shorten(value)}': {reason}")
{
    private static string Shorten(string v) => v.Length > 80 ? v[..80] + "…" : v;
}

/// <summary>A registry, a manifest or an archive has content the tool must not trust.</summary>
public class IntegrityException(string message, Exception? inner = null) : McrExportException(message, inner)
{
    public override int ExitCode => ExitCodes.Integrity;
}

/// <summary>A manifest, index or config is not what its media type says, or breaks a rule.</summary>
public sealed class InvalidManifestException(string message, Exception? inner = null) : IntegrityException(message, inner);

/// <summary>A blob's bytes do not hash to its digest, or its size differs.</summary>
public sealed class DigestMismatchException(string message) : IntegrityException(message);

/// <summary>The registry does not know the repository, tag, manifest or blob.</summary>
public sealed class NotFoundException(string message) : McrExportException(message)
{
    public override int ExitCode => ExitCodes.NotFound;
}

/// <summary>The registry refused the credentials (or needs some).</summary>
public sealed class RegistryAuthException(string message) : McrExportException(message)
{
    public override int ExitCode => ExitCodes.Auth;
}

/// <summary>A host could not be reached, a connection failed, or a server kept failing.</summary>
public sealed class NetworkException(string message, Exception? inner = null) : McrExportException(message, inner)
{
    public override int ExitCode => ExitCodes.Network;
}

/// <summary>A registry answered with an error the tool cannot recover from.</summary>
public sealed class RegistryException(string message) : McrExportException(message)
{
    public override int ExitCode => ExitCodes.Failure;
}

/// <summary>The request was refused by policy (a downgrade to http, a private address, too many redirects...).</summary>
public sealed class PolicyException(string message) : McrExportException(message)
{
    public override int ExitCode => ExitCodes.Failure;
}

/// <summary>A manifest list has no image for the requested platform, or more than one.</summary>
public sealed class PlatformNotFoundException(string message) : McrExportException(message)
{
    public override int ExitCode => ExitCodes.NotFound;
}

/// <summary>Writing the output or the cache failed for lack of space or another I/O error.</summary>
public sealed class DiskException(string message, Exception? inner = null) : McrExportException(message, inner)
{
    public override int ExitCode => ExitCodes.Disk;
}
