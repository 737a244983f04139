namespace McrExport.Model;

/// <summary>
/// Where an image's platform comes from: the descriptor that points at its manifest (an index entry) when that names
/// os and architecture, else the image config; <c>os.version</c> filled from the config when the os agrees.
/// </summary>
public static class PlatformRule
{
    public static Platform Of(Descriptor manifest, Platform fromConfig)
    {
        var platform = manifest.Platform is { Os.Length: > 0, Architecture.Length: > 0 } p ? p : fromConfig;
        if (platform.OsVersion is null && fromConfig.OsVersion is { } version && platform.Os == fromConfig.Os)
            platform = platform with { OsVersion = version };
        return platform;
    }
}
