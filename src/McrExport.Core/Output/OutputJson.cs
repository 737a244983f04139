using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace McrExport.Output;

/// <summary>How the documents this tool writes are serialised: compact, UTF-8, without escaping <c>+</c>; through
/// the source-generated <see cref="OutputJsonContext"/> (no reflection, so trimming and Native AOT keep working).</summary>
internal static class OutputJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly OutputJsonContext Context = new(Options);

    public static byte[] Serialize<T>(T value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)(Context.GetTypeInfo(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not in {nameof(OutputJsonContext)}")));

    /// <summary>Serialised with a trailing newline, as Go's <c>json.Encoder</c> writes.</summary>
    public static byte[] SerializeLine<T>(T value) => [.. Serialize(value), (byte)'\n'];
}

/// <summary>Every document type <see cref="OutputJson"/> writes.</summary>
[JsonSerializable(typeof(List<DockerArchiveManifest.Item>))]
[JsonSerializable(typeof(SortedDictionary<string, SortedDictionary<string, string>>))]
[JsonSerializable(typeof(OciMediaTypeConverter.Document))]
[JsonSerializable(typeof(OciLayoutContent.IndexDocument))]
[JsonSerializable(typeof(McrExport.Push.ReferrerPusher.TagSchemaIndex))]
internal sealed partial class OutputJsonContext : JsonSerializerContext;
