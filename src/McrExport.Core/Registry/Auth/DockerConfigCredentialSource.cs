using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace McrExport.Registry.Auth;

/// <summary>
/// Credentials from the user's Docker <c>config.json</c> (<c>$DOCKER_CONFIG/config.json</c> or
/// <c>~/.docker/config.json</c>): <c>auths</c> entries (base64 <c>auth</c>, <c>username</c>/<c>password</c>,
/// <c>identitytoken</c>), and <c>credHelpers</c> / <c>credsStore</c> through the <c>docker-credential-*</c> helper
/// protocol (<c>get</c> with the server URL on standard input, JSON <c>{Username, Secret}</c> on standard output).
/// </summary>
/// <param name="configPath">the config file; null means the user's.</param>
/// <param name="helperDirectory">where to find <c>docker-credential-*</c> programs; null means the PATH.</param>
public sealed class DockerConfigCredentialSource(string? configPath = null, string? helperDirectory = null) : ICredentialSource
{
    private const string DockerHubKey = "https://index.docker.io/v1/";

    public static string DefaultPath()
    {
        var dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (string.IsNullOrEmpty(dir))
            dir = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        return System.IO.Path.Combine(dir, "config.json");
    }

    /// <summary>The file this source reads.</summary>
    public string Path => configPath ?? DefaultPath();

    public async Task<RegistryCredential?> GetAsync(string registryHost, CancellationToken cancellationToken)
    {
        var found = await FindAsync(registryHost, cancellationToken).ConfigureAwait(false);
        return found is null ? null : found with { Source = Path };
    }

    private async Task<RegistryCredential?> FindAsync(string registryHost, CancellationToken cancellationToken)
    {
        var path = Path;
        if (!File.Exists(path)) return null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var keys = KeysFor(registryHost);

            if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
                foreach (var key in keys)
                    if (helpers.TryGetProperty(key, out var helper) && helper.ValueKind == JsonValueKind.String)
                        return await FromHelperAsync(helper.GetString()!, key, cancellationToken).ConfigureAwait(false);

            if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
                foreach (var entry in auths.EnumerateObject())
                    if (keys.Any(k => NormalizeKey(entry.Name) == NormalizeKey(k)) && FromAuthEntry(entry.Value) is { } found)
                        return found;

            if (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String)
                foreach (var key in keys)
                    if (await FromHelperAsync(store.GetString()!, key, cancellationToken).ConfigureAwait(false) is { } c) return c;
        }
        return null;
    }

    private static string[] KeysFor(string host) =>
        host is "docker.io" or "registry-1.docker.io" or "index.docker.io" ? [DockerHubKey, "docker.io", "index.docker.io"] : [host];

    private static string NormalizeKey(string key)
    {
        if (key == DockerHubKey) return key;
        var k = key;
        if (k.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) k = k[8..];
        else if (k.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) k = k[7..];
        var slash = k.IndexOf('/');
        return (slash >= 0 ? k[..slash] : k).ToLowerInvariant();
    }

    private static RegistryCredential? FromAuthEntry(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object) return null;
        string? Get(string name) => entry.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var identity = Get("identitytoken");
        if (Get("auth") is { Length: > 0 } auth)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                var colon = decoded.IndexOf(':');
                if (colon > 0) return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..], identity);
            }
            catch (FormatException) { }
        }
        if (Get("username") is { Length: > 0 } user) return new RegistryCredential(user, Get("password") ?? "", identity);
        return identity is null ? null : new RegistryCredential(null, null, identity);
    }

    private async Task<RegistryCredential?> FromHelperAsync(string helper, string serverUrl, CancellationToken cancellationToken)
    {
        if (helper.Length == 0 || !helper.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return null;
        var program = $"docker-credential-{helper}";
        if (helperDirectory is not null) program = System.IO.Path.Combine(helperDirectory, program);
        var start = new ProcessStartInfo(program, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            await process.StandardInput.WriteAsync(serverUrl).ConfigureAwait(false);
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0) return null;
            using var doc = JsonDocument.Parse(output);
            var user = doc.RootElement.TryGetProperty("Username", out var u) ? u.GetString() : null;
            var secret = doc.RootElement.TryGetProperty("Secret", out var s) ? s.GetString() : null;
            if (secret is null) return null;
            return user == "<token>" ? new RegistryCredential(null, null, secret) : new RegistryCredential(user, secret);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException or IOException or InvalidOperationException)
        {
            return null;
        }
    }
}
