using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using McrExport.Model;
using Microsoft.AspNetCore.Http;

namespace McrExport.Tests.Fakes;

/// <summary>
/// An in-process registry serving the pull subset of the distribution API on a loopback address: base, manifests
/// (with distribution 2.x content negotiation), blobs (direct or redirected to a <see cref="FakeCdn"/>), tags with
/// Link pagination; token or Basic auth; JSON or XML errors; Range; scripted faults. Thread-safe.
/// </summary>
public sealed class FakeRegistry : IAsyncDisposable
{
    public const string Schema1MediaType = MediaTypes.DockerSchema1Signed;

    private readonly ConcurrentDictionary<string, StoredManifest> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StoredManifest> _schema1 = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _repoBlobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _globalBlobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Digest>> _tags = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _foreign = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _denied = new(StringComparer.Ordinal);
    private FakeTokenService? _ownedTokenService;
    private (string User, string Password)? _basic;

    private FakeRegistry(FakeHost host)
    {
        Host = host;
        host.MapPrefix("/v2", HandleAsync);
    }

    /// <summary>Starts a registry on <paramref name="ip"/> (default 127.0.0.1) and an ephemeral port.</summary>
    public static async Task<FakeRegistry> StartAsync(string ip = Loopback.Registry, CancellationToken cancellationToken = default) =>
        new(await FakeHost.StartAsync(ip, cancellationToken));

    public FakeHost Host { get; }

    public Uri BaseUri => Host.BaseUri;

    /// <summary><c>127.0.0.1:port</c>, the registry part of an image reference.</summary>
    public string Authority => Host.Authority;

    public IReadOnlyList<RecordedRequest> Requests => Host.Requests;

    public FaultPlan Faults { get; } = new();

    /// <summary>Body bytes served per digest, here and on a CDN started by <see cref="StartCdnAsync"/>.</summary>
    public TrafficCounters Traffic { get; } = new();

    public RegistryErrorStyle ErrorStyle { get; set; } = RegistryErrorStyle.Json;

    /// <summary>Answers blob GETs 200 with the whole blob whatever the Range header says.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Sends a wrong <c>Docker-Content-Digest</c> on manifest answers.</summary>
    public bool LieAboutManifestDigest { get; set; }

    /// <summary>
    /// The largest page tags/list answers (a smaller <c>n</c> from the client wins, as registries cap <c>n</c>); null
    /// lists every tag at once when the client sends no <c>n</c>.
    /// </summary>
    public int? TagPageSize { get; set; }

    /// <summary>
    /// Serves the OCI 1.1 referrers API (<c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>, filtered by
    /// <c>artifactType</c>) from the stored manifests' <c>subject</c>. Off, the path answers 404 as distribution 2.8 does.
    /// </summary>
    public bool ServesReferrersApi { get; set; }

    public RegistryAuthMode AuthMode { get; private set; }

    public FakeTokenService? TokenService { get; private set; }

    /// <summary>Where blob GETs are redirected; null serves them directly.</summary>
    public FakeCdn? BlobRedirectTarget { get; private set; }

    public int BlobRedirectStatus { get; set; } = StatusCodes.Status307TemporaryRedirect;

    // ---- content ----

    /// <summary>Stores a manifest under its digest and, when given, <paramref name="tag"/>.</summary>
    public Digest AddManifest(string repository, string? tag, byte[] bytes, string mediaType)
    {
        CheckRepository(repository);
        var stored = new StoredManifest(bytes, mediaType, Digest.Compute(bytes));
        _manifests[Key(repository, stored.Digest.ToString())] = stored;
        _tags.GetOrAdd(repository, _ => new ConcurrentDictionary<string, Digest>(StringComparer.Ordinal));
        if (tag is not null) AddTag(repository, tag, stored.Digest);
        return stored.Digest;
    }

    /// <summary>Points <paramref name="tag"/> at a manifest already stored in <paramref name="repository"/>.</summary>
    public void AddTag(string repository, string tag, Digest manifest)
    {
        CheckRepository(repository);
        if (!ImageReference.IsValidTag(tag)) throw new ArgumentException($"invalid tag '{tag}'", nameof(tag));
        if (!_manifests.TryGetValue(Key(repository, manifest.ToString()), out var stored))
            throw new InvalidOperationException($"{repository} has no manifest {manifest}");
        _manifests[Key(repository, tag)] = stored;
        _tags.GetOrAdd(repository, _ => new ConcurrentDictionary<string, Digest>(StringComparer.Ordinal))[tag] = manifest;
    }

    /// <summary>Stores a blob for one repository, or for all when <paramref name="repository"/> is null.</summary>
    public Digest AddBlob(byte[] bytes, string? repository = null)
    {
        var digest = Digest.Compute(bytes);
        if (repository is null) _globalBlobs[digest.ToString()] = bytes;
        else
        {
            CheckRepository(repository);
            _tags.GetOrAdd(repository, _ => new ConcurrentDictionary<string, Digest>(StringComparer.Ordinal));
            _repoBlobs[Key(repository, digest.ToString())] = bytes;
        }
        return digest;
    }

    /// <summary>The blob is answered 404 BLOB_UNKNOWN, as registries do for foreign layers.</summary>
    public void MarkForeign(Digest digest) => _foreign[digest.ToString()] = 0;

    /// <summary>What <paramref name="repository"/>:<paramref name="tag"/> answers to a client that does not accept its media type.</summary>
    public void SetSchema1Fallback(string repository, string tag, byte[] bytes)
    {
        CheckRepository(repository);
        _schema1[Key(repository, tag)] = new StoredManifest(bytes, Schema1MediaType, Digest.Compute(bytes));
    }

    /// <summary>Requests for <paramref name="repository"/> get 403 DENIED (after auth).</summary>
    public void DenyRepository(string repository) => _denied[repository] = 0;

    public IReadOnlyList<string> TagsOf(string repository) =>
        _tags.TryGetValue(repository, out var tags) ? tags.Keys.Order(StringComparer.Ordinal).ToList() : [];

    /// <summary><c>127.0.0.1:port/repository:tag</c>, or <c>…@digest</c> when given a digest.</summary>
    public string Reference(string repository, string tagOrDigest) =>
        Digest.TryParse(tagOrDigest, out _) ? $"{Authority}/{repository}@{tagOrDigest}" : $"{Authority}/{repository}:{tagOrDigest}";

    // ---- behaviour switches ----

    /// <summary>Requires bearer tokens from <paramref name="tokenService"/>, or from a new <c>/token</c> endpoint on this host.</summary>
    public FakeTokenService UseBearerAuth(FakeTokenService? tokenService = null)
    {
        TokenService = tokenService ?? (_ownedTokenService ??= FakeTokenService.MapOn(Host));
        AuthMode = RegistryAuthMode.Bearer;
        return TokenService;
    }

    /// <summary>Requires Basic credentials directly on <c>/v2/</c>.</summary>
    public void UseBasicAuth(string user, string password)
    {
        _basic = (user, password);
        AuthMode = RegistryAuthMode.Basic;
    }

    public void UseNoAuth() => AuthMode = RegistryAuthMode.None;

    /// <summary>Blob GETs answer <see cref="BlobRedirectStatus"/> to a signed-looking URL on <paramref name="cdn"/>.</summary>
    public void RedirectBlobsTo(FakeCdn? cdn) => BlobRedirectTarget = cdn;

    /// <summary>Starts a CDN sharing this registry's faults and counters and redirects blob GETs to it.</summary>
    public async Task<FakeCdn> StartCdnAsync(string ip = Loopback.Cdn, CancellationToken cancellationToken = default)
    {
        var cdn = await FakeCdn.StartAsync(ip, Faults, Traffic, cancellationToken);
        RedirectBlobsTo(cdn);
        return cdn;
    }

    // ---- counters ----

    public int RequestCount(string path) => Host.CountRequests(path);

    public long BytesServed(Digest digest) => Traffic.BytesServed(digest);

    // ---- handling ----

    private async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        var path = context.Request.Path.Value!;
        var route = RegistryRoute.Parse(path);
        if (route is null)
        {
            await ErrorAsync(context, 404, "NAME_INVALID", "not a registry API path");
            return;
        }
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await ErrorAsync(context, 405, "UNSUPPORTED", "this registry is read-only");
            return;
        }
        if (!await AuthorizeAsync(context, route.Repository)) return;

        if (route.Endpoint != RegistryEndpoint.Manifest && route.Endpoint != RegistryEndpoint.Blob
            && Faults.TakeNext(path, null) is StatusFault status)
        {
            await ContentResponder.ServeAsync(context, EmptyContent with { ErrorStyle = ErrorStyle }, status, Traffic, Host.Stopping);
            return;
        }

        if (route.Repository is { } repository)
        {
            if (_denied.ContainsKey(repository))
            {
                await ErrorAsync(context, 403, RegistryErrors.Denied, "requested access to the resource is denied");
                return;
            }
            if (!_tags.ContainsKey(repository))
            {
                await ErrorAsync(context, 404, RegistryErrors.NameUnknown, "repository name not known to registry");
                return;
            }
        }

        switch (route.Endpoint)
        {
            case RegistryEndpoint.Base:
                await WriteJsonAsync(context, "{}"u8.ToArray());
                break;
            case RegistryEndpoint.Manifest:
                await ServeManifestAsync(context, route.Repository!, route.Reference!, path);
                break;
            case RegistryEndpoint.Blob:
                await ServeBlobAsync(context, route.Repository!, route.Reference!, path);
                break;
            case RegistryEndpoint.Tags:
                await ServeTagsAsync(context, route.Repository!);
                break;
            case RegistryEndpoint.Referrers:
                await ServeReferrersAsync(context, route.Repository!, route.Reference!);
                break;
        }
    }

    private static readonly ContentResponder.Content EmptyContent = new([], Digest.Compute([]), "application/json");

    private async Task<bool> AuthorizeAsync(HttpContext context, string? repository)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        switch (AuthMode)
        {
            case RegistryAuthMode.Bearer:
                if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    && TokenService!.IsValid(authorization[7..].Trim(), repository))
                    return true;
                var scope = repository is null ? "" : $",scope=\"repository:{repository}:pull\"";
                context.Response.Headers.WWWAuthenticate =
                    $"Bearer realm=\"{TokenService!.Realm.AbsoluteUri}\",service=\"{FakeTokenService.ServiceName}\"{scope}";
                break;
            case RegistryAuthMode.Basic:
                var user = FakeTokenService.BasicUser(authorization, out var password);
                if (_basic is { } basic && user == basic.User && password == basic.Password) return true;
                context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{FakeTokenService.ServiceName}\"";
                break;
            default:
                return true;
        }
        await ErrorAsync(context, 401, RegistryErrors.Unauthorized, "authentication required");
        return false;
    }

    private async Task ServeManifestAsync(HttpContext context, string repository, string reference, string path)
    {
        if (!_manifests.TryGetValue(Key(repository, reference), out var manifest))
        {
            await ErrorAsync(context, 404, RegistryErrors.ManifestUnknown, "manifest unknown");
            return;
        }
        if (!Accepts(context.Request.Headers.Accept, manifest.MediaType))
        {
            if (!_schema1.TryGetValue(Key(repository, reference), out var schema1))
            {
                await ErrorAsync(context, 404, RegistryErrors.ManifestUnknown,
                    $"OCI manifest found, but accept header does not support {manifest.MediaType}");
                return;
            }
            manifest = schema1;
        }
        var digestHeader = LieAboutManifestDigest
            ? Digest.Compute(Encoding.UTF8.GetBytes("not " + manifest.Digest)).ToString()
            : manifest.Digest.ToString();
        var content = new ContentResponder.Content(manifest.Bytes, manifest.Digest, manifest.MediaType)
        {
            HonorRange = false,
            DigestHeader = digestHeader,
            ErrorStyle = ErrorStyle,
        };
        await ContentResponder.ServeAsync(context, content, Faults.TakeNext(path, manifest.Digest), Traffic, Host.Stopping);
    }

    private static bool Accepts(Microsoft.Extensions.Primitives.StringValues accept, string mediaType) =>
        accept.SelectMany(v => (v ?? "").Split(','))
            .Select(v => v.Split(';')[0].Trim())
            .Any(v => string.Equals(v, mediaType, StringComparison.OrdinalIgnoreCase));

    private async Task ServeBlobAsync(HttpContext context, string repository, string reference, string path)
    {
        if (!Digest.TryParse(reference, out var digest))
        {
            await ErrorAsync(context, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
            return;
        }
        var key = digest.ToString();
        if (_foreign.ContainsKey(key)
            || !(_repoBlobs.TryGetValue(Key(repository, key), out var bytes) || _globalBlobs.TryGetValue(key, out bytes)))
        {
            await ErrorAsync(context, 404, RegistryErrors.BlobUnknown, "blob unknown to registry");
            return;
        }

        if (BlobRedirectTarget is { } cdn && HttpMethods.IsGet(context.Request.Method))
        {
            if (Faults.TakeNext(path, null) is StatusFault status)
            {
                await ContentResponder.ServeAsync(context, EmptyContent with { ErrorStyle = ErrorStyle }, status, Traffic, Host.Stopping);
                return;
            }
            cdn.Publish(bytes);
            context.Response.StatusCode = BlobRedirectStatus;
            context.Response.Headers.Location = cdn.SignedUrlOf(digest).AbsoluteUri;
            context.Response.Headers["Docker-Content-Digest"] = key;
            return;
        }

        var content = new ContentResponder.Content(bytes, digest, "application/octet-stream")
        {
            HonorRange = !IgnoreRange,
            DigestHeader = key,
            ErrorStyle = ErrorStyle,
        };
        await ContentResponder.ServeAsync(context, content, Faults.TakeNext(path, digest), Traffic, Host.Stopping);
    }

    private async Task ServeTagsAsync(HttpContext context, string repository)
    {
        var query = context.Request.Query;
        var all = TagsOf(repository);
        var last = query["last"].ToString();
        var n = int.TryParse(query["n"].ToString(), out var requested) && requested > 0
            ? Math.Min(requested, TagPageSize ?? int.MaxValue)
            : TagPageSize ?? int.MaxValue;
        var remaining = last.Length == 0 ? all : all.Where(t => string.CompareOrdinal(t, last) > 0).ToList();
        var page = remaining.Take(n).ToList();
        if (page.Count < remaining.Count)
            context.Response.Headers.Link =
                $"</v2/{repository}/tags/list?n={n}&last={Uri.EscapeDataString(page[^1])}>; rel=\"next\"";
        await WriteJsonAsync(context, JsonSerializer.SerializeToUtf8Bytes(new { name = repository, tags = page }));
    }

    private async Task ServeReferrersAsync(HttpContext context, string repository, string reference)
    {
        if (!ServesReferrersApi)
        {
            context.Response.StatusCode = 404;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("404 page not found\n");
            return;
        }
        if (!Digest.TryParse(reference, out var subject))
        {
            await ErrorAsync(context, 400, "DIGEST_INVALID", "invalid digest");
            return;
        }
        var filter = context.Request.Query["artifactType"].ToString();
        var entries = new List<System.Text.Json.Nodes.JsonNode?>();
        foreach (var (key, stored) in _manifests.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!key.StartsWith(repository + "|sha256:", StringComparison.Ordinal)) continue;
            var node = System.Text.Json.Nodes.JsonNode.Parse(stored.Bytes);
            if (node?["subject"]?["digest"]?.GetValue<string>() != subject.ToString()) continue;
            var artifactType = node["artifactType"]?.GetValue<string>() ?? node["config"]?["mediaType"]?.GetValue<string>();
            if (filter.Length > 0 && artifactType != filter) continue;
            var entry = new System.Text.Json.Nodes.JsonObject
            {
                ["mediaType"] = stored.MediaType,
                ["digest"] = stored.Digest.ToString(),
                ["size"] = stored.Bytes.Length,
                ["artifactType"] = artifactType,
            };
            if (node["annotations"] is System.Text.Json.Nodes.JsonObject annotations) entry["annotations"] = annotations.DeepClone();
            entries.Add(entry);
        }
        if (filter.Length > 0) context.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        var body = TestJson.Bytes(new System.Text.Json.Nodes.JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new System.Text.Json.Nodes.JsonArray(entries.ToArray()),
        });
        context.Response.ContentType = MediaTypes.OciIndex;
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static async Task WriteJsonAsync(HttpContext context, byte[] body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        RegistryErrors.WriteAsync(context, status, code, message, ErrorStyle);

    private static string Key(string repository, string reference) => repository + "|" + reference;

    private static void CheckRepository(string repository)
    {
        if (!ImageReference.IsValidRepository(repository)) throw new ArgumentException($"invalid repository '{repository}'", nameof(repository));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
    }
}
