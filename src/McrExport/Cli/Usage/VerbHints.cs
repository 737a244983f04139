using System.CommandLine;

namespace McrExport.Cli.Usage;

/// <summary>
/// First words that docker, crane and skopeo users type, as hidden commands that fail at once (exit 2, no network)
/// and name the mcr-export command that does what they meant. A verb that is a real command is left to it.
/// </summary>
public static class VerbHints
{
    private sealed record Hint(string Verb, Func<string, string> Message);

    private static readonly Hint[] Hints =
    [
        new("pull", rest => $"mcr-export writes images to files rather than pulling them into a container store: 'mcr-export export {rest}' writes a docker-load tar; 'mcr-export export {rest} -o - | docker load' loads it"),
        new("cp", rest => "to copy an image across the air gap: 'mcr-export export IMAGE -o image.tar' on the connected side, then 'mcr-export push image.tar REGISTRY/REPOSITORY[:TAG]'"),
        new("load", rest => "mcr-export writes the archive that docker load, podman load and ctr images import read; to put an archive into a registry: 'mcr-export push ARCHIVE REGISTRY/REPOSITORY[:TAG]'"),
        new("ls", rest => $"to list a repository's tags: 'mcr-export tags {Or(rest, "REPOSITORY")}'; to list the blob cache: 'mcr-export cache list'"),
        new("list-tags", rest => $"to list a repository's tags: 'mcr-export tags {Or(rest, "REPOSITORY")}'"),
        new("manifest", rest => $"to show an image's manifest, platforms and layers: 'mcr-export inspect {Or(rest, "REFERENCE")}'"),
        new("digest", rest => $"to show an image's manifest digest: 'mcr-export inspect {Or(rest, "REFERENCE")}'"),
        new("login", rest => "mcr-export keeps no logins: it reads docker's config.json (docker login), or takes --username USER --password-stdin on each command"),
        new("images", rest => "mcr-export keeps no image store; 'mcr-export cache list' shows the cached blobs"),
    ];

    /// <summary>Adds the hints whose verb is not a command of <paramref name="root"/>.</summary>
    public static void Install(RootCommand root)
    {
        foreach (var hint in Hints)
        {
            if (root.Subcommands.Any(c => c.Name == hint.Verb || c.Aliases.Contains(hint.Verb))) continue;
            var words = new Argument<string[]>("words") { Arity = ArgumentArity.ZeroOrMore };
            var command = new Command(hint.Verb) { Hidden = true, TreatUnmatchedTokensAsErrors = false };
            command.Arguments.Add(words);
            var message = hint.Message;
            command.Validators.Add(result =>
            {
                var rest = string.Join(' ', result.GetValue(words) ?? []);
                result.AddError($"mcr-export has no '{hint.Verb}' command; {message(rest.Length == 0 ? "IMAGE" : rest)}");
            });
            root.Subcommands.Add(command);
        }
    }

    public static bool IsHint(Command command) => command.Hidden && Hints.Any(h => h.Verb == command.Name);

    private static string Or(string rest, string placeholder) => rest.Length == 0 || rest == "IMAGE" ? placeholder : rest;
}
