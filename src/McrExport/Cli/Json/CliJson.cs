using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace McrExport.Cli.Json;

/// <summary>
/// The JSON the command line prints: source-generated (no reflection, trim and AOT safe), camelCase, indented, no
/// HTML escaping (<c>+</c>, <c>&lt;</c> and <c>'</c> stay as they are), nulls written as null.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ExportDocument))]
[JsonSerializable(typeof(InspectDocument))]
[JsonSerializable(typeof(TagsDocument))]
[JsonSerializable(typeof(VerifyDocument))]
[JsonSerializable(typeof(PushDocument))]
[JsonSerializable(typeof(CacheListDocument))]
[JsonSerializable(typeof(CopyDocument))]
[JsonSerializable(typeof(CachePruneDocument))]
public sealed partial class CliJsonContext : JsonSerializerContext;

public static class CliJson
{
    private static readonly CliJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static CliJsonContext Types => Context;

    /// <summary>One document, then a newline.</summary>
    public static string Write<T>(T document, JsonTypeInfo<T> type) => JsonSerializer.Serialize(document, type) + Environment.NewLine;
}
