using McrExport.Errors;

namespace McrExport.Registry.Auth;

/// <summary>
/// The credential files podman, skopeo and docker users have, in the order containers-auth.json(5) reads them:
/// <c>--authfile FILE</c>, else <c>$REGISTRY_AUTH_FILE</c>, else <c>$XDG_RUNTIME_DIR/containers/auth.json</c>
/// (Linux); then <c>$XDG_CONFIG_HOME/containers/auth.json</c> (<c>~/.config/containers/auth.json</c>); then Docker's
/// <c>$DOCKER_CONFIG/config.json</c> (<c>~/.docker/config.json</c>). All share one format (<c>auths</c>,
/// <c>credHelpers</c>, <c>credsStore</c>); the first file with an entry for the registry wins.
/// </summary>
public static class AuthFiles
{
    public const string AuthFileVariable = "REGISTRY_AUTH_FILE";

    /// <summary>The files to read, first to last.</summary>
    /// <param name="authFile">the <c>--authfile</c> option, or null.</param>
    /// <param name="environment">a variable's value, or null.</param>
    public static IReadOnlyList<string> SearchOrder(string? authFile, Func<string, string?> environment)
    {
        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var files = new List<string>();
        if (authFile is not null) files.Add(authFile);
        else if (environment(AuthFileVariable) is { Length: > 0 } variable) files.Add(variable);
        else if (OperatingSystem.IsLinux() && environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime)
            files.Add(Path.Combine(runtime, "containers", "auth.json"));
        var configHome = environment("XDG_CONFIG_HOME") is { Length: > 0 } x ? x : Path.Combine(home, ".config");
        files.Add(Path.Combine(configHome, "containers", "auth.json"));
        var docker = environment("DOCKER_CONFIG") is { Length: > 0 } d ? d : Path.Combine(home, ".docker");
        files.Add(Path.Combine(docker, "config.json"));
        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>A source that reads <see cref="SearchOrder"/>; an <c>--authfile</c> that does not exist is a usage error.</summary>
    public static ICredentialSource Source(string? authFile, Func<string, string?> environment, string? helperDirectory = null)
    {
        if (authFile is not null && !File.Exists(authFile))
            throw new UsageException($"--authfile {authFile} does not exist");
        return new ChainedCredentialSource(SearchOrder(authFile, environment)
            .Select(f => (ICredentialSource)new DockerConfigCredentialSource(f, helperDirectory)).ToArray());
    }
}
