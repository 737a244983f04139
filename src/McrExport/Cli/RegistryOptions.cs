using System.CommandLine;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Model;
using McrExport.Registry;
using McrExport.Registry.Auth;
using McrExport.Resolve;

namespace McrExport.Cli;

/// <summary>The options every command that talks to a registry shares: hosts, credentials, retries.</summary>
public sealed class RegistryOptions
{
    public Option<string[]> Insecure { get; } = new("--insecure-registry")
    {
        Description = "Allow plain http (and loopback or private addresses) for this HOST[:PORT]; repeatable",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "HOST[:PORT]",
    };

    public Option<string?> Username { get; } = new("--username", "-u")
    {
        Description = "User name for the registry (the password is read from standard input with --password-stdin)",
    };

    public Option<bool> PasswordStdin { get; } = new("--password-stdin")
    {
        Description = "Read the password (or token) for --username from standard input",
    };

    public Option<int> Retries { get; } = new("--retries")
    {
        Description = "How many times a failed request or download is retried",
        DefaultValueFactory = _ => 5,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Insecure);
        command.Options.Add(Username);
        command.Options.Add(PasswordStdin);
        command.Options.Add(Retries);
    }

    /// <summary>Builds the registry pool for a parsed command line.</summary>
    public RegistryClientPool CreatePool(ParseResult parse, CliConsole console, IReadOnlyCollection<string> registries, TimeSpan? responseTimeout = null)
    {
        var policy = new TransportPolicy(parse.GetValue(Insecure) ?? []);
        var retries = parse.GetValue(Retries);
        if (retries is < 0 or > 100) throw new UsageException("--retries must be between 0 and 100");
        var credentials = CredentialsFrom(parse, console, registries);
        return new RegistryClientPool(new HttpTransport(policy, responseTimeout: responseTimeout), credentials, new RetryPolicy(retries));
    }

    private ICredentialSource CredentialsFrom(ParseResult parse, CliConsole console, IReadOnlyCollection<string> registries)
    {
        var docker = new DockerConfigCredentialSource();
        var user = parse.GetValue(Username);
        var stdin = parse.GetValue(PasswordStdin);
        if (user is null)
        {
            if (stdin) throw new UsageException("--password-stdin needs --username");
            return docker;
        }
        if (!stdin) throw new UsageException("--username needs --password-stdin (passwords are never taken on the command line)");
        var password = console.In().ReadToEnd().TrimEnd('\r', '\n');
        if (password.Length == 0) throw new UsageException("--password-stdin read an empty password");
        return new ChainedCredentialSource(new FixedCredentialSource(new RegistryCredential(user, password), registries), docker);
    }
}

/// <summary><c>--platform</c> and <c>--os-version</c>.</summary>
public sealed class PlatformOptions
{
    public Option<string?> Platform { get; } = new("--platform")
    {
        Description = "Platform to pick from a multi-platform image: os/arch[/variant], e.g. windows/amd64, linux/arm64",
        HelpName = "OS/ARCH[/VARIANT]",
    };

    public Option<string?> OsVersion { get; } = new("--os-version")
    {
        Description = "Windows version to pick, e.g. 10.0.17763 (ltsc2019), 10.0.20348 (ltsc2022); the newest revision wins",
        HelpName = "VERSION",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Platform);
        command.Options.Add(OsVersion);
    }

    public PlatformRequest Parse(ParseResult parse)
    {
        var platform = parse.GetValue(Platform) is { } p ? Model.Platform.Parse(p) : null;
        var version = parse.GetValue(OsVersion);
        if (version is not null && !System.Text.RegularExpressions.Regex.IsMatch(version, @"^[0-9]+(\.[0-9]+){0,3}\z"))
            throw new UsageException($"invalid --os-version '{version}': expected numbers like 10.0.17763 or 10.0.17763.6532");
        return new PlatformRequest(platform, version);
    }
}
