using System.CommandLine;
using McrExport.Cli.Json;
using McrExport.Errors;
using McrExport.Model;
using Microsoft.Extensions.FileSystemGlobbing;

namespace McrExport.Cli;

/// <summary>
/// <c>mcr-export tags &lt;repository&gt; [--filter GLOB]</c>: every tag, across all pages. A listing stopped by a bound
/// (pages, bytes, a <c>Link</c> loop) prints the tags it read, warns on standard error and exits 1.
/// </summary>
public static class TagsCommand
{
    public static Command Create(CliConsole console)
    {
        var repository = new Argument<string>("repository") { Description = "Repository, e.g. windows/servercore or docker.io/library/alpine" };
        var filter = new Option<string[]>("--filter") { Description = "Glob pattern(s) for tags, e.g. 'ltsc20*'", Arity = ArgumentArity.ZeroOrMore, HelpName = "GLOB" };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (docs/json.md)" };
        var registry = new RegistryOptions();
        var command = new Command("tags", "List a repository's tags (following pagination), optionally filtered by glob patterns.").WithExamples(
            "mcr-export tags windows/servercore --filter 'ltsc20*'",
            "mcr-export tags dotnet/runtime --filter '8.0*-nanoserver-*'");
        command.Arguments.Add(repository);
        command.Options.Add(filter);
        command.Options.Add(json);
        registry.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var repo = ImageReference.ParseRepository(parse.GetValue(repository) ?? "");
            var pool = registry.CreatePool(parse, console, [repo.Registry]);
            using var transport = pool.Transport;
            var patterns = parse.GetValue(filter) ?? [];
            var matching = Filter([], patterns).ToList(); // checks the patterns before the network
            var listing = await pool.For(repo).ListTagsBoundedAsync(repo.Repository, cancellationToken).ConfigureAwait(false);
            matching = Filter(listing.Tags, patterns).ToList();
            if (parse.GetValue(json))
                console.Out.Write(CliJson.Write(new TagsDocument(repo.Repository, repo.Registry, patterns, listing.Tags.Count, !listing.Incomplete,
                    listing.Reason, matching), CliJson.Types.TagsDocument));
            else
            {
                foreach (var tag in matching) console.Out.WriteLine(tag);
                if (matching.Count == 0 && patterns.Length > 0)
                    console.Error.WriteLine($"note: no tag of {repo.Repository} on {repo.Registry} matches {string.Join(", ", patterns)} ({listing.Tags.Count} tags in all)");
            }
            if (!listing.Incomplete) return ExitCodes.Ok;
            // the tags read are printed; the warning and the exit code say that more may exist
            console.Error.WriteLine($"warning: tags of {repo.Repository} on {repo.Registry}: the list is incomplete ({listing.Reason}; {listing.Tags.Count} tags read)");
            return ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>Keeps the tags matching any of the glob patterns (all tags when there are none), in the registry's order.</summary>
    public static IEnumerable<string> Filter(IReadOnlyList<string> tags, IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0) return tags;
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var pattern in patterns)
        {
            if (pattern.Contains('/') || pattern.Contains('\\')) throw new UsageException($"invalid --filter '{pattern}': a tag pattern has no slashes");
            matcher.AddInclude(pattern);
        }
        return tags.Where(t => matcher.Match(t).HasMatches);
    }
}
