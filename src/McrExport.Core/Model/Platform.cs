using System.Text.Json.Serialization;
using McrExport.Errors;

namespace McrExport.Model;

/// <summary>The platform of an image: os, architecture, optional variant and (for Windows) os.version.</summary>
public sealed record Platform(
    [property: JsonPropertyName("os")] string Os,
    [property: JsonPropertyName("architecture")] string Architecture,
    [property: JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Variant = null,
    [property: JsonPropertyName("os.version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OsVersion = null)
{
    /// <summary><c>os/arch[/variant]</c>, plus <c> (os.version)</c> when known.</summary>
    public override string ToString() =>
        $"{Os}/{Architecture}{(Variant is null ? "" : "/" + Variant)}{(OsVersion is null ? "" : $" ({OsVersion})")}";

    /// <summary>Parses <c>os/arch[/variant]</c> as given to <c>--platform</c>.</summary>
    public static Platform Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
            throw new UsageException($"invalid platform '{text}': expected os/arch[/variant], for example windows/amd64 or linux/arm64/v8");
        return new Platform(parts[0].ToLowerInvariant(), NormalizeArchitecture(parts[1].ToLowerInvariant()),
            parts.Length == 3 ? parts[2].ToLowerInvariant() : null);
    }

    /// <summary>The platform this process runs on, in OCI terms.</summary>
    public static Platform Host()
    {
        var os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "linux";
        var arch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            System.Runtime.InteropServices.Architecture.Arm => "arm",
            System.Runtime.InteropServices.Architecture.X86 => "386",
            _ => "amd64",
        };
        var version = OperatingSystem.IsWindows() ? Environment.OSVersion.Version.ToString() : null;
        return new Platform(os, arch, OsVersion: version);
    }

    private static string NormalizeArchitecture(string arch) => arch switch
    {
        "x86_64" or "x86-64" => "amd64",
        "aarch64" => "arm64",
        _ => arch,
    };
}
