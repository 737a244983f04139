using System.CommandLine;

namespace McrExport.Cli.Usage;

/// <summary>
/// The options people bring from skopeo, crane, docker and podman, answered with the way mcr-export says the same
/// thing. Each answer is built from the command the user ran, so it names only options that command has.
/// </summary>
public static class ForeignHabits
{
    /// <summary>The answer for an unknown option <paramref name="token"/> of <paramref name="command"/>, or null.</summary>
    public static string? Answer(string token, Command command)
    {
        var name = token.Split('=', 2)[0];
        var has = (string option) => OptionSuggestions.Candidates(command).Contains(option);

        if (name.StartsWith("--src-", StringComparison.Ordinal) || name.StartsWith("--dest-", StringComparison.Ordinal))
        {
            var plain = "--" + name[(name.IndexOf('-', 2) + 1)..];
            var side = name.StartsWith("--src-", StringComparison.Ordinal) ? "source" : "destination";
            var inner = Answer(plain, command) ?? (has(plain) ? $"give {plain}" : null);
            return $"mcr-export has no --src-/--dest- options: each command talks to one registry, so the {side}'s options are the command's own"
                + (inner is null ? "" : $"; here: {inner}");
        }

        return name switch
        {
            "--tls-verify" or "--insecure" or "--insecure-skip-tls-verify" or "--skip-tls-verify" or "-k" =>
                "mcr-export never turns TLS verification off; for a registry on plain http give --insecure-registry HOST[:PORT]"
                + (has("--cert-dir") ? ", for a private CA --cert-dir DIR" : ", for a private CA add it to the system's trusted certificates")
                + (has("--insecure-registry") ? "" : $" (with a command that talks to a registry)"),
            "--creds" or "--password" or "-p" when name != "-p" || !has("--platform") =>
                "passwords are never taken on the command line: give --username USER --password-stdin (or log in with docker login; its config.json is read)",
            "-p" => "did you mean --platform OS/ARCH? for a password give --username USER --password-stdin",
            "--override-os" or "--override-arch" or "--override-variant" when has("--platform") =>
                "give the platform as one value: --platform OS/ARCH[/VARIANT], e.g. --platform linux/arm64",
            "--all" or "-a" when has("--all-platforms") =>
                "to keep every platform of an index give --all-platforms with --format oci or oci-tar",
            "--authfile" when !has("--authfile") =>
                "credentials come from docker's config.json ($DOCKER_CONFIG) or --username USER --password-stdin",
            "--output" or "-o" when !has("--output") =>
                $"'{CommandPath.Of(command)}' writes no file; 'mcr-export export REFERENCE -o PATH' does",
            "--format" or "-f" when !has("--format") =>
                $"'{CommandPath.Of(command)}' has no --format; --json prints a JSON document",
            _ => null,
        };
    }
}
