using System.Text.Json.Serialization;

namespace McrExport.Cli.Json;

/// <summary>A platform in every JSON document: <c>{"os", "architecture", "variant", "osVersion"}</c> (the last two may be null).</summary>
public sealed record JsonPlatform(string Os, string Architecture, string? Variant, string? OsVersion)
{
    public static JsonPlatform From(Model.Platform platform) => new(platform.Os, platform.Architecture, platform.Variant, platform.OsVersion);

    /// <summary>Reads <c>os/arch[/variant] (os.version)</c>, the way a platform is written for people, back into its parts.</summary>
    public static JsonPlatform FromDisplay(string text)
    {
        string? version = null;
        var paren = text.IndexOf(" (", StringComparison.Ordinal);
        if (paren >= 0 && text.EndsWith(')'))
        {
            version = text[(paren + 2)..^1];
            text = text[..paren];
        }
        var parts = text.Split('/');
        return new JsonPlatform(parts.ElementAtOrDefault(0) ?? "", parts.ElementAtOrDefault(1) ?? "", parts.ElementAtOrDefault(2), version);
    }
}

/// <summary>Where a blob's bytes come from: <c>{"kind": "registry"|"url", "host", "url"}</c>.</summary>
public sealed record JsonSource(string Kind, string Host, string Url, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Foreign = false);
