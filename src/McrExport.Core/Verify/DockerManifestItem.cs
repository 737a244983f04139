using System.Text.Json;
using McrExport.Errors;

namespace McrExport.Verify;

/// <summary>One entry of a docker-load <c>manifest.json</c>.</summary>
public sealed record DockerManifestItem(string Config, IReadOnlyList<string> RepoTags, IReadOnlyList<string> Layers)
{
    public static IReadOnlyList<DockerManifestItem> Parse(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new InvalidManifestException("it is not a JSON array");
            return doc.RootElement.EnumerateArray().Select(item => new DockerManifestItem(
                item.GetProperty("Config").GetString() ?? throw new InvalidManifestException("an entry has no Config"),
                item.TryGetProperty("RepoTags", out var tags) && tags.ValueKind == JsonValueKind.Array
                    ? tags.EnumerateArray().Select(t => t.GetString() ?? "").ToList() : [],
                item.GetProperty("Layers").EnumerateArray().Select(l => l.GetString() ?? "").ToList())).ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidManifestException($"not a valid manifest.json: {e.Message}");
        }
    }
}
