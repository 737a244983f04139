using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using McrExport.Errors;
using McrExport.Http;

namespace McrExport.Registry.Auth;

/// <summary>
/// The auth handshake for one registry host: answers <c>WWW-Authenticate</c> challenges with Bearer tokens (fetched
/// from the challenge's realm, anonymously or with Basic credentials or an identity token) or with Basic credentials.
/// Tokens are cached per scope; concurrent requests for the same scope share one token request. Nothing here is a
/// mutable per-request field: parallel downloads only read the cache.
/// </summary>
public sealed class RegistryAuthenticator(
    string registryAuthority,
    string registryDisplayName,
    HttpTransport transport,
    ICredentialSource credentials)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<BearerToken>>> _tokens = new(StringComparer.Ordinal);
    private volatile bool _useBasic;
    private RegistryCredential? _credential;
    private int _credentialLoaded;

    /// <summary>Token requests made so far (for tests and diagnostics).</summary>
    public int TokenRequests => _tokenRequests;
    private int _tokenRequests;

    /// <summary>Adds the Authorization header the cache holds for <paramref name="scope"/>, if any.</summary>
    public async ValueTask AuthorizeAsync(HttpRequestMessage request, string scope, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(scope, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
        {
            var token = lazy.Value.Result;
            if (!token.IsExpired) { request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value); return; }
        }
        if (_useBasic && await GetCredentialAsync(cancellationToken).ConfigureAwait(false) is { HasBasic: true } c)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", c.BasicValue());
    }

    /// <summary>
    /// Handles a 401: reads the challenge and prepares credentials for the retry. Returns false when there is nothing
    /// new to try (the caller then reports the 401).
    /// </summary>
    /// <param name="sentAuthorization">the Authorization value the failed request carried, if any.</param>
    public async Task<bool> HandleChallengeAsync(HttpResponseMessage response, string scope, string? sentAuthorization, CancellationToken cancellationToken)
    {
        var challenges = AuthChallenge.ParseAll(string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
        var bearer = challenges.FirstOrDefault(c => c.IsBearer && c.Realm is not null);
        if (bearer is not null)
        {
            var effectiveScope = scope;
            if (_tokens.TryGetValue(effectiveScope, out var existing))
            {
                var stale = existing.IsValueCreated && existing.Value.IsCompleted &&
                            (!existing.Value.IsCompletedSuccessfully || sentAuthorization == "Bearer " + existing.Value.Result.Value || existing.Value.Result.IsExpired);
                if (!stale && existing.IsValueCreated && existing.Value.IsCompletedSuccessfully) return true;
                if (stale) _tokens.TryRemove(new KeyValuePair<string, Lazy<Task<BearerToken>>>(effectiveScope, existing));
            }
            var lazy = _tokens.GetOrAdd(effectiveScope, s => new Lazy<Task<BearerToken>>(() => FetchTokenAsync(bearer, s, cancellationToken)));
            try
            {
                await lazy.Value.ConfigureAwait(false);
            }
            catch
            {
                _tokens.TryRemove(new KeyValuePair<string, Lazy<Task<BearerToken>>>(effectiveScope, lazy));
                throw;
            }
            return true;
        }
        if (challenges.Any(c => c.IsBasic))
        {
            var credential = await GetCredentialAsync(cancellationToken).ConfigureAwait(false);
            if (credential is not { HasBasic: true } || _useBasic) return false;
            _useBasic = true;
            return true;
        }
        return false;
    }

    /// <summary>Where the credentials in use came from (a file's path), once they were looked up; null when there are none.</summary>
    public string? CredentialSource => Volatile.Read(ref _credentialLoaded) == 1 ? _credential?.Source : null;

    /// <summary>Whether credentials were available for this registry (for error messages).</summary>
    public async Task<bool> HasCredentialAsync(CancellationToken cancellationToken) =>
        await GetCredentialAsync(cancellationToken).ConfigureAwait(false) is not null;

    private async Task<RegistryCredential?> GetCredentialAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _credentialLoaded) == 0)
        {
            _credential = await credentials.GetAsync(registryDisplayName, cancellationToken).ConfigureAwait(false)
                          ?? (registryDisplayName != registryAuthority
                              ? await credentials.GetAsync(registryAuthority, cancellationToken).ConfigureAwait(false)
                              : null);
            Volatile.Write(ref _credentialLoaded, 1);
        }
        return _credential;
    }

    private async Task<BearerToken> FetchTokenAsync(AuthChallenge challenge, string scope, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _tokenRequests);
        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm))
            throw new RegistryAuthException($"{registryDisplayName} sent a token realm that is not a URL: '{challenge.Realm}'");
        var realmIsRegistry = string.Equals(realm.Authority, registryAuthority, StringComparison.OrdinalIgnoreCase);
        if (realm.Scheme != Uri.UriSchemeHttps && !realmIsRegistry && !transport.Policy.IsInsecure(realm.IdnHost, realm.Port))
            throw new PolicyException($"refusing token realm {realm.Authority} over plain http; a token realm must be https (or named with --insecure-registry)");
        RequestOrigin? realmOrigin = null;
        if (!realmIsRegistry)
        {
            // The realm comes from the registry's answer: it may be internal when the registry is, never plain http unless named.
            var registryUri = transport.Policy.RegistryBaseUri(registryAuthority);
            var origin = transport.Policy.OriginFor(registryAuthority, registryUri.Scheme, null) with { PlainHttp = false };
            var permission = transport.Policy.CheckHop(realm, from: null, origin);
            realmOrigin = new RequestOrigin(realm.Authority, realm.Scheme == Uri.UriSchemeHttp, permission.AllowInternalAddresses, Chosen: false);
        }

        var credential = await GetCredentialAsync(cancellationToken).ConfigureAwait(false);
        var query = new List<string>();
        if (challenge.Service is { } service) query.Add("service=" + Uri.EscapeDataString(service));
        query.Add("scope=" + Uri.EscapeDataString(scope));
        var separator = realm.Query.Length > 0 ? "&" : "?";
        var uri = new Uri(realm + separator + string.Join("&", query));

        using var response = credential?.IdentityToken is { } refresh
            ? await transport.SendAsync(HttpMethod.Post, realm, r => r.Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refresh,
                ["service"] = challenge.Service ?? "",
                ["scope"] = scope,
                ["client_id"] = "mcr-export",
            }), realm.Authority, null, realmOrigin, cancellationToken).ConfigureAwait(false)
            : await transport.SendAsync(HttpMethod.Get, uri, null, realm.Authority, (request, _) =>
            {
                if (credential is { HasBasic: true })
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicValue());
                return ValueTask.CompletedTask;
            }, realmOrigin, cancellationToken).ConfigureAwait(false);

        if (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
            throw new RegistryAuthException(credential is null
                ? $"{registryDisplayName} refused an anonymous token for {scope}"
                : $"{registryDisplayName} refused the credentials from {credential.Source ?? "the credential store"} for {scope}")
            {
                Hint = credential is null ? $"log in with 'docker login {registryDisplayName}' or pass --username and --password-stdin" : "check the user name and password",
            };
        if ((int)response.StatusCode is >= 500 or 429)
            throw new TransientNetworkException(uri, $"token service {realm.Authority} answered {(int)response.StatusCode}");
        if (!response.IsSuccessStatusCode)
            throw new RegistryAuthException($"token service {realm.Authority} answered {(int)response.StatusCode} {response.ReasonPhrase}");

        var body = await BoundedBody.ReadAsync(response, 1 << 20, transport.BodyStallTimeout, $"the token from {realm.Authority}",
            cancellationToken, tooLarge: _ => new RegistryAuthException("the token answer is too large")).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            string? Get(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var token = Get("token") ?? Get("access_token");
            if (string.IsNullOrEmpty(token)) throw new RegistryAuthException($"token service {realm.Authority} returned no token");
            var expiresIn = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var s) ? s : 60;
            if (expiresIn < 60) expiresIn = 60;
            return new BearerToken(token, DateTimeOffset.UtcNow.AddSeconds(expiresIn));
        }
        catch (JsonException)
        {
            throw new RegistryAuthException($"token service {realm.Authority} returned something that is not JSON");
        }
        catch (InvalidOperationException)
        {
            // Not an object (a list, a string), or a string that is not valid text.
            throw new RegistryAuthException($"token service {realm.Authority} returned JSON that is not a token object");
        }
    }

    private sealed record BearerToken(string Value, DateTimeOffset ExpiresAt)
    {
        public bool IsExpired => DateTimeOffset.UtcNow >= ExpiresAt.AddSeconds(-5);
    }
}
