using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace McrExport.Tests.Fakes;

/// <summary>
/// A bearer token endpoint (<c>GET realm?service=…&amp;scope=…</c>), mapped on a registry's own host or on a separate
/// one. Issues opaque tokens for the requested pull scopes, records every request, and can expire every token at once.
/// </summary>
public sealed class FakeTokenService : IAsyncDisposable
{
    public const string ServiceName = "fake-registry";

    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TokenRequest> _requests = new();
    private readonly FakeHost? _ownedHost;
    private long _generation;

    private sealed record IssuedToken(IReadOnlyList<string> Scopes, DateTimeOffset Expires, long Generation);

    private FakeTokenService(FakeHost host, string path, bool ownsHost)
    {
        Host = host;
        Realm = host.Url(path);
        _ownedHost = ownsHost ? host : null;
        host.Map(path, IssueAsync);
    }

    /// <summary>Maps a token endpoint at <paramref name="path"/> on an existing host.</summary>
    public static FakeTokenService MapOn(FakeHost host, string path = "/token") => new(host, path, ownsHost: false);

    /// <summary>Starts a separate token host on <paramref name="ip"/>.</summary>
    public static async Task<FakeTokenService> StartAsync(string ip = Loopback.TokenServer, CancellationToken cancellationToken = default) =>
        new(await FakeHost.StartAsync(ip, cancellationToken), "/token", ownsHost: true);

    public FakeHost Host { get; }

    /// <summary>The URL for <c>realm=</c> in challenges.</summary>
    public Uri Realm { get; }

    /// <summary>How long tokens live; also sent as <c>expires_in</c>.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Overrides the <c>expires_in</c> sent, leaving the real <see cref="Lifetime"/> alone.</summary>
    public int? ReportedExpiresIn { get; set; }

    public TokenResponseFields Fields { get; set; } = TokenResponseFields.Both;

    /// <summary>When set, the endpoint requires these Basic credentials and answers 401 otherwise.</summary>
    public (string User, string Password)? RequiredCredentials { get; set; }

    public IReadOnlyList<TokenRequest> Requests => _requests.ToArray();

    public int TokensIssued => _tokens.Count;

    /// <summary>Every token issued so far stops working now.</summary>
    public void ExpireAllTokens() => Interlocked.Increment(ref _generation);

    /// <summary>True when <paramref name="token"/> is live and (for a repository) grants pull on it.</summary>
    public bool IsValid(string token, string? repository)
    {
        if (!_tokens.TryGetValue(token, out var issued)) return false;
        if (issued.Generation != Interlocked.Read(ref _generation) || DateTimeOffset.UtcNow >= issued.Expires) return false;
        return repository is null || issued.Scopes.Any(s => Grants(s, repository));
    }

    private static bool Grants(string scope, string repository)
    {
        var parts = scope.Split(':');
        return parts.Length == 3 && parts[0] == "repository" && parts[1] == repository
            && parts[2].Split(',').Any(a => a is "pull" or "*");
    }

    private async Task IssueAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var scopes = query["scope"].SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var authorization = context.Request.Headers.Authorization.ToString();
        var user = BasicUser(authorization, out var password);
        var granted = RequiredCredentials is not { } required || (user == required.User && password == required.Password);
        _requests.Enqueue(new TokenRequest(query["service"].ToString() is { Length: > 0 } s ? s : null, scopes,
            authorization.Length == 0 ? null : authorization, user, granted));

        if (!granted)
        {
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{ServiceName}\"";
            await RegistryErrors.WriteAsync(context, 401, RegistryErrors.Unauthorized, "authentication required", RegistryErrorStyle.Json);
            return;
        }

        var token = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var now = DateTimeOffset.UtcNow;
        _tokens[token] = new IssuedToken(scopes, now + Lifetime, Interlocked.Read(ref _generation));

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (Fields.HasFlag(TokenResponseFields.Token)) writer.WriteString("token", token);
            if (Fields.HasFlag(TokenResponseFields.AccessToken)) writer.WriteString("access_token", token);
            writer.WriteNumber("expires_in", ReportedExpiresIn ?? (int)Lifetime.TotalSeconds);
            writer.WriteString("issued_at", now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted);
    }

    /// <summary>The user of a Basic Authorization value, or null.</summary>
    public static string? BasicUser(string? authorization, out string? password)
    {
        password = null;
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = decoded.IndexOf(':');
            if (colon < 0) return null;
            password = decoded[(colon + 1)..];
            return decoded[..colon];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownedHost is not null) await _ownedHost.DisposeAsync();
    }
}
