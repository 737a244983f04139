using System.Text.Json;
using McrExport.Errors;

namespace McrExport.Registry;

/// <summary>Parses the <c>tags/list</c> answer <c>{"name": "...", "tags": [...]}</c>.</summary>
public static class TagList
{
    public static IReadOnlyList<string> Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidManifestException("the tag list is not a JSON object");
            if (!doc.RootElement.TryGetProperty("tags", out var tags) || tags.ValueKind == JsonValueKind.Null) return [];
            if (tags.ValueKind != JsonValueKind.Array) throw new InvalidManifestException("the tag list's 'tags' is not a list");
            return tags.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)
                .Where(Model.ImageReference.IsValidTag).ToList();
        }
        catch (JsonException e)
        {
            throw new InvalidManifestException($"the tag list is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // A string that is not valid UTF-8 (or a lone surrogate escape): the reader finds that only when it reads it.
            throw new InvalidManifestException($"the tag list holds a string that is not valid text: {e.Message}", e);
        }
    }
}
