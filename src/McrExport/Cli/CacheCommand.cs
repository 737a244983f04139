using System.CommandLine;
using System.Text.RegularExpressions;
using McrExport.Cli.Json;
using McrExport.Content;
using McrExport.Errors;

namespace McrExport.Cli;

/// <summary><c>mcr-export cache list|prune</c>: what the blob cache holds, and clearing it.</summary>
public static class CacheCommand
{
    public static Command Create(CliConsole console)
    {
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Blob cache folder (default: the user's cache folder)", HelpName = "DIR", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (docs/json.md)" };
        var list = new Command("list", "List cached blobs: digest, size, last used (partial downloads marked).");
        list.Options.Add(json);
        list.SetAction(parse =>
        {
            var store = new BlobStore(parse.GetValue(cacheDir) ?? BlobStore.DefaultRoot());
            var blobs = store.List().OrderByDescending(b => b.LastUsedUtc).ToList();
            if (parse.GetValue(json))
            {
                console.Out.Write(CliJson.Write(new CacheListDocument(store.Root, blobs.Count, blobs.Sum(b => b.Size),
                    blobs.Select(b => new CachedBlobEntry(b.Digest.ToString(), b.Size, DateTime.SpecifyKind(b.LastUsedUtc, DateTimeKind.Utc), b.Partial)).ToList()),
                    CliJson.Types.CacheListDocument));
                return ExitCodes.Ok;
            }
            foreach (var b in blobs)
                console.Out.WriteLine($"{b.Digest}  {DiskErrors.FormatSize(b.Size),10}  {b.LastUsedUtc:yyyy-MM-dd HH:mm}{(b.Partial ? "  partial" : "")}");
            console.Error.WriteLine($"{blobs.Count} blobs, {DiskErrors.FormatSize(blobs.Sum(b => b.Size))} in {store.Root}");
            return ExitCodes.Ok;
        });

        var olderThan = new Option<string?>("--older-than") { Description = "Remove blobs not used for this long: 30d, 12h, 90m", HelpName = "AGE" };
        var all = new Option<bool>("--all") { Description = "Remove every cached blob" };
        var prune = new Command("prune", "Remove cached blobs.").WithExamples(
            "mcr-export cache prune --older-than 30d",
            "mcr-export cache prune --all");
        prune.Options.Add(olderThan);
        prune.Options.Add(all);
        prune.Options.Add(json);
        prune.SetAction(parse =>
        {
            var age = parse.GetValue(olderThan);
            var everything = parse.GetValue(all);
            if (age is null == !everything) throw new UsageException("give either --older-than AGE or --all");
            var cutoff = everything ? DateTime.MaxValue : DateTime.UtcNow - ParseAge(age!);
            var store = new BlobStore(parse.GetValue(cacheDir) ?? BlobStore.DefaultRoot());
            var removed = store.Prune(cutoff);
            if (parse.GetValue(json))
            {
                console.Out.Write(CliJson.Write(new CachePruneDocument(store.Root, removed.Count, removed.Sum(b => b.Size),
                    removed.Select(b => new CachedBlobEntry(b.Digest.ToString(), b.Size, DateTime.SpecifyKind(b.LastUsedUtc, DateTimeKind.Utc), b.Partial)).ToList()),
                    CliJson.Types.CachePruneDocument));
                return ExitCodes.Ok;
            }
            console.Error.WriteLine($"removed {removed.Count} blobs, {DiskErrors.FormatSize(removed.Sum(b => b.Size))}");
            return ExitCodes.Ok;
        });

        var command = new Command("cache", "Inspect or clear the blob cache.");
        command.Options.Add(cacheDir);
        command.Subcommands.Add(list);
        command.Subcommands.Add(prune);
        return command;
    }

    public static TimeSpan ParseAge(string text)
    {
        var match = Regex.Match(text, @"^(\d{1,6})([dhms])$");
        if (!match.Success) throw new UsageException($"invalid age '{text}': use a number and d, h, m or s, like 30d");
        var n = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "d" => TimeSpan.FromDays(n),
            "h" => TimeSpan.FromHours(n),
            "m" => TimeSpan.FromMinutes(n),
            _ => TimeSpan.FromSeconds(n),
        };
    }
}
