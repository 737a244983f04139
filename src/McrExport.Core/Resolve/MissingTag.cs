using McrExport.Errors;
using McrExport.Model;
using McrExport.Registry;

namespace McrExport.Resolve;

/// <summary>Explains a tag the registry does not know: the same error, plus the closest tags that do exist.</summary>
public static class MissingTag
{
    public static async Task<NotFoundException> ExplainAsync(RegistryClient client, ImageReference reference, string tag,
        NotFoundException notFound, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> tags;
        try
        {
            tags = await client.ListTagsAsync(reference.Repository, cancellationToken).ConfigureAwait(false);
        }
        catch (McrExportException)
        {
            return notFound;
        }
        var listCommand = $"list them with 'mcr-export tags {reference.Registry}/{reference.Repository}'";
        if (tags.Count == 0)
            return new NotFoundException($"{notFound.Message}; the repository has no tags") { Hint = notFound.Hint };
        var closest = TagSuggestions.Closest(tag, tags);
        var message = closest.Count > 0
            ? $"{notFound.Message}; closest existing tags: {string.Join(", ", closest)}"
            : $"{notFound.Message}; no tag like '{tag}' among the {tags.Count} existing ones";
        return new NotFoundException(message) { Hint = listCommand };
    }
}
