namespace McrExport.Registry.Auth;

/// <summary>Credentials for one registry: a user name and password, or an identity (refresh) token.</summary>
public sealed record RegistryCredential(string? Username, string? Password, string? IdentityToken = null)
{
    /// <summary>Where the credential came from (a file's path, or "the command line"), for messages.</summary>
    public string? Source { get; init; }

    public bool HasBasic => !string.IsNullOrEmpty(Username) && Password is not null;

    public string BasicValue() =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    /// <summary>Never print secrets.</summary>
    public override string ToString() => $"RegistryCredential({Username ?? "<token>"})";
}

/// <summary>Finds credentials for a registry host.</summary>
public interface ICredentialSource
{
    Task<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken);
}

/// <summary>Credentials given on the command line (<c>--username</c>, <c>--password-stdin</c>) for every registry named.</summary>
public sealed class FixedCredentialSource(RegistryCredential credential, IReadOnlyCollection<string>? hosts = null) : ICredentialSource
{
    public Task<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken) =>
        Task.FromResult(hosts is null || hosts.Contains(registryHost, StringComparer.OrdinalIgnoreCase) ? credential : null);
}

/// <summary>Tries several sources in order.</summary>
public sealed class ChainedCredentialSource(params ICredentialSource[] sources) : ICredentialSource
{
    public async Task<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken)
    {
        foreach (var source in sources)
            if (await source.GetAsync(registryHost, cancellationToken).ConfigureAwait(false) is { } c) return c;
        return null;
    }
}
