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

    public Option<string?> AuthFile { get; } = new("--authfile")
    {
        Description = "Credentials file (containers-auth.json format); default: $REGISTRY_AUTH_FILE, then podman's and Docker's files",
        HelpName = "FILE",
    };

    public Option<string?> CertDir { get; } = new("--cert-dir")
    {
        Description = "Folder with CA certificates (*.crt) and a client certificate (*.cert + *.key) for the registries named; replaces certs.d",
        HelpName = "DIR",
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
        command.Options.Add(AuthFile);
        command.Options.Add(CertDir);
        command.Options.Add(Retries);
    }

    /// <summary>Builds the registry pool for a parsed command line.</summary>
    public RegistryClientPool CreatePool(ParseResult parse, CliConsole console, IReadOnlyCollection<string> registries, TimeSpan? responseTimeout = null)
    {
        var policy = new TransportPolicy(parse.GetValue(Insecure) ?? []);
        var retries = parse.GetValue(Retries);
        if (retries is < 0 or > 100) throw new UsageException("--retries must be between 0 and 100");
        var certDirs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (parse.GetValue(CertDir) is { } certDir)
        {
            if (!Directory.Exists(certDir)) throw new UsageException($"--cert-dir {certDir} is not a folder");
            foreach (var registry in registries) certDirs[registry] = Path.GetFullPath(certDir);
        }
        var options = TransportOptions.FromEnvironment(Environment.GetEnvironmentVariable, certDirs) with
        {
            ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(60),
            BodyStallTimeout = TimeSpan.FromSeconds(OptionalValue(parse, "--stall-timeout", 30)),
        };
        var credentials = CredentialsFrom(parse, console, registries);
        return new RegistryClientPool(new HttpTransport(policy, options), credentials, new RetryPolicy(retries))
        {
            BlobCache = CacheOf(parse),
        };
    }

    /// <summary>The blob cache of a command that has one (<c>--cache-dir</c>, unless <c>--no-cache</c>), for configs already fetched.</summary>
    private static Content.BlobStore? CacheOf(ParseResult parse)
    {
        if (FindOption(parse, "--cache-dir") is not Option<string?> cacheDir) return null;
        if (FindOption(parse, "--no-cache") is Option<bool> noCache && parse.GetValue(noCache)) return null;
        return new Content.BlobStore(parse.GetValue(cacheDir) ?? Content.BlobStore.DefaultRoot());
    }

    private static int OptionalValue(ParseResult parse, string name, int fallback) =>
        FindOption(parse, name) is Option<int> option && parse.GetValue(option) is var value and > 0 ? value : fallback;

    private static Option? FindOption(ParseResult parse, string name) =>
        parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == name)
        ?? parse.RootCommandResult.Command.Options.FirstOrDefault(o => o.Name == name && parse.CommandResult.Command == parse.RootCommandResult.Command);

    private ICredentialSource CredentialsFrom(ParseResult parse, CliConsole console, IReadOnlyCollection<string> registries)
    {
        var docker = AuthFiles.Source(parse.GetValue(AuthFile), Environment.GetEnvironmentVariable);
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
        return new ChainedCredentialSource(
            new FixedCredentialSource(new RegistryCredential(user, password) { Source = "--username and --password-stdin" }, registries), docker);
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
