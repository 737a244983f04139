using McrExport.Model;

namespace McrExport.Resolve;

/// <summary>What the user asked for: <c>--platform os/arch[/variant]</c> and, for Windows, <c>--os-version</c>.</summary>
public sealed record PlatformRequest(Platform? Platform = null, string? OsVersion = null)
{
    public static readonly PlatformRequest Any = new();
}
