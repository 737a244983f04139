using System.Text.Encodings.Web;
using System.Text.Json;

namespace McrExport.Output;

/// <summary>How the documents this tool writes are serialised: compact, UTF-8, without escaping <c>+</c>.</summary>
internal static class OutputJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Serialised with a trailing newline, as Go's <c>json.Encoder</c> writes.</summary>
    public static byte[] SerializeLine<T>(T value) => [.. Serialize(value), (byte)'\n'];
}
