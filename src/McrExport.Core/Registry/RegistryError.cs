using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using McrExport.Errors;

namespace McrExport.Registry;

/// <summary>One entry of a registry's error answer: <c>{"errors":[{"code","message","detail"}]}</c> or MCR's XML.</summary>
public sealed record RegistryError(string Code, string Message)
{
    /// <summary>Reads the errors from a body; never throws (an unreadable body gives an empty list).</summary>
    public static IReadOnlyList<RegistryError> Parse(ReadOnlySpan<byte> body)
    {
        var list = new List<RegistryError>();
        if (body.IsEmpty || body.Length > 64 * 1024) return list;
        var text = System.Text.Encoding.UTF8.GetString(body).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        try
        {
            if (text.StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                    foreach (var e in errors.EnumerateArray())
                        if (e.ValueKind == JsonValueKind.Object)
                            list.Add(new RegistryError(Str(e, "code") ?? "UNKNOWN", Str(e, "message") ?? ""));
            }
            else if (text.StartsWith('<'))
            {
                using var reader = System.Xml.XmlReader.Create(new StringReader(text), new System.Xml.XmlReaderSettings
                {
                    DtdProcessing = System.Xml.DtdProcessing.Prohibit,
                    XmlResolver = null,
                    MaxCharactersFromEntities = 0,
                });
                var xml = XDocument.Load(reader);
                var root = xml.Root;
                if (root is not null)
                {
                    var code = root.Element("Code")?.Value ?? root.Name.LocalName;
                    var message = root.Element("Message")?.Value ?? "";
                    list.Add(new RegistryError(code, message.Split('\n')[0].Trim()));
                }
            }
        }
        // InvalidOperationException: a string the reader cannot turn into text (a lone surrogate escape).
        catch (Exception e) when (e is JsonException or System.Xml.XmlException or InvalidOperationException) { }
        return list;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Builds the typed exception for a failed answer about <paramref name="what"/> on <paramref name="registry"/>.</summary>
    public static McrExportException ToException(HttpStatusCode status, IReadOnlyList<RegistryError> errors, string registry, string what)
    {
        var code = errors.FirstOrDefault()?.Code ?? "";
        var detail = errors.Count > 0 && errors[0].Message.Length > 0 ? $": {Trim(errors[0].Message)}" : "";
        var codeText = code.Length > 0 ? $" ({code})" : $" ({(int)status})";
        if (status == HttpStatusCode.NotFound || code is "MANIFEST_UNKNOWN" or "BLOB_UNKNOWN" or "NAME_UNKNOWN" or "BlobNotFound")
            return new NotFoundException($"{what} not found on {registry}{codeText}{detail}");
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || code is "UNAUTHORIZED" or "DENIED")
            return new RegistryAuthException($"{registry} denied access to {what}{codeText}{detail}")
            {
                Hint = $"log in with 'docker login {registry}' or pass --username and --password-stdin",
            };
        if (status == HttpStatusCode.TooManyRequests || code == "TOOMANYREQUESTS")
            return new RegistryException($"{registry} keeps rate-limiting requests for {what}{codeText}{detail}")
            {
                Hint = "the registry limits how many requests a client may make; wait and run again, or log in for a higher limit",
            };
        return new RegistryException($"{registry} answered {(int)status} for {what}{codeText}{detail}");
    }

    private static string Trim(string s) => s.Length > 200 ? s[..200] + "…" : s;
}
