using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McrExport.Model;
using Xunit;

namespace McrExport.Tests.Fakes;

public sealed class FakeRegistryTests
{
    private const string Repo = "library/hello";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpClient NewClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private static HttpRequestMessage Get(Uri uri, params string[] accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        foreach (var a in accept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(a));
        return request;
    }

    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return doc.RootElement.GetProperty("errors")[0].GetProperty("code").GetString()!;
    }

    private static async Task<(FakeRegistry Registry, TestImage Image)> StartWithImageAsync(string? tag = "1.0")
    {
        var registry = await FakeRegistry.StartAsync(cancellationToken: Ct);
        var image = TestImages.Image(new Platform("linux", "amd64"),
            [Layer.Random(256 * 1024, seed: 1), Layer.FromFiles(("etc/hello", "hello\n"))]);
        registry.Push(Repo, tag, image);
        return (registry, image);
    }

    private static Uri BlobUri(FakeRegistry registry, Digest digest) => registry.Host.Url($"/v2/{Repo}/blobs/{digest}");

    [Fact]
    public async Task Manifest_is_served_with_content_type_and_digest()
    {
        var (registry, image) = await StartWithImageAsync();
        await using var _ = registry;
        using var client = NewClient();

        using var response = await client.SendAsync(Get(registry.Host.Url($"/v2/{Repo}/manifests/1.0"), MediaTypes.ManifestAccept.ToArray()), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MediaTypes.DockerManifest, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(image.ManifestDigest.ToString(), response.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(image.ManifestBytes, await response.Content.ReadAsByteArrayAsync(Ct));

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, registry.Host.Url($"/v2/{Repo}/manifests/{image.ManifestDigest}"))
        { Headers = { { "Accept", MediaTypes.DockerManifest } } }, Ct);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(image.ManifestBytes.Length, head.Content.Headers.ContentLength);
        Assert.Equal(image.ManifestDigest.ToString(), head.Headers.GetValues("Docker-Content-Digest").Single());

        var parsed = Assert.IsType<ImageManifest>(ManifestParser.Parse(image.ManifestBytes, MediaTypes.DockerManifest));
        Assert.Equal(image.ConfigDigest, parsed.Config.Digest);
        Assert.Equal(image.DiffIds, ManifestParser.ParseConfig(image.ConfigBytes).DiffIds);
    }

    [Fact]
    public async Task Manifest_without_accept_gets_schema1_or_manifest_unknown()
    {
        var (registry, image) = await StartWithImageAsync();
        await using var _ = registry;
        using var client = NewClient();
        var uri = registry.Host.Url($"/v2/{Repo}/manifests/1.0");

        using (var noFallback = await client.SendAsync(Get(uri), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, noFallback.StatusCode);
            Assert.Equal("MANIFEST_UNKNOWN", await ErrorCodeAsync(noFallback));
        }

        var schema1 = TestImages.Schema1(Repo, "1.0", image);
        registry.SetSchema1Fallback(Repo, "1.0", schema1);
        using var response = await client.SendAsync(Get(uri, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MediaTypes.DockerSchema1Signed, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(schema1, await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Contains("fsLayers", Encoding.UTF8.GetString(schema1));
    }

    [Fact]
    public async Task Lying_registry_sends_a_wrong_digest_header()
    {
        var (registry, image) = await StartWithImageAsync();
        await using var _ = registry;
        registry.LieAboutManifestDigest = true;
        using var client = NewClient();
        using var response = await client.SendAsync(Get(registry.Host.Url($"/v2/{Repo}/manifests/1.0"), MediaTypes.DockerManifest), Ct);
        var header = response.Headers.GetValues("Docker-Content-Digest").Single();
        Assert.True(Digest.TryParse(header, out var sent));
        Assert.NotEqual(image.ManifestDigest, sent);
        Assert.Equal(image.ManifestBytes, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Token_flow_grants_access_and_expired_tokens_get_401()
    {
        var (registry, _) = await StartWithImageAsync();
        await using var __ = registry;
        var tokens = registry.UseBearerAuth();
        tokens.RequiredCredentials = ("alice", "secret");
        tokens.Fields = TokenResponseFields.AccessToken;
        using var client = NewClient();
        var uri = registry.Host.Url($"/v2/{Repo}/manifests/1.0");

        using var challenge = await client.SendAsync(Get(uri, MediaTypes.DockerManifest), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        Assert.Equal("UNAUTHORIZED", await ErrorCodeAsync(challenge));
        var header = challenge.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", header.Scheme);
        Assert.Contains($"realm=\"{tokens.Realm.AbsoluteUri}\"", header.Parameter);
        Assert.Contains("service=\"fake-registry\"", header.Parameter);
        Assert.Contains($"scope=\"repository:{Repo}:pull\"", header.Parameter);

        var tokenUri = new Uri($"{tokens.Realm}?service=fake-registry&scope=repository:{Repo}:pull");
        using (var anonymous = await client.GetAsync(tokenUri, Ct)) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var tokenRequest = new HttpRequestMessage(HttpMethod.Get, tokenUri);
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("alice:secret"u8));
        using var tokenResponse = await client.SendAsync(tokenRequest, Ct);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        using var json = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync(Ct));
        Assert.False(json.RootElement.TryGetProperty("token", out _));
        var token = json.RootElement.GetProperty("access_token").GetString()!;
        Assert.Equal(300, json.RootElement.GetProperty("expires_in").GetInt32());

        var authorized = Get(uri, MediaTypes.DockerManifest);
        authorized.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var ok = await client.SendAsync(authorized, Ct)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        tokens.ExpireAllTokens();
        var stale = Get(uri, MediaTypes.DockerManifest);
        stale.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var expired = await client.SendAsync(stale, Ct)) Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);

        Assert.Equal(2, tokens.Requests.Count);
        Assert.False(tokens.Requests[0].Granted);
        Assert.Equal("alice", tokens.Requests[1].BasicUser);
        Assert.Equal([$"repository:{Repo}:pull"], tokens.Requests[1].Scopes);
        Assert.Equal("fake-registry", tokens.Requests[1].Service);
    }

    [Fact]
    public async Task Token_realm_can_live_on_another_host_and_tokens_are_scoped()
    {
        var (registry, _) = await StartWithImageAsync();
        await using var __ = registry;
        await using var tokens = await FakeTokenService.StartAsync(Loopback.TokenServer, Ct);
        registry.UseBearerAuth(tokens);
        tokens.Lifetime = TimeSpan.FromSeconds(30);
        using var client = NewClient();

        using var challenge = await client.GetAsync(registry.Host.Url("/v2/"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        Assert.Contains("realm=\"http://127.0.0.5:", challenge.Headers.WwwAuthenticate.Single().Parameter);

        using var tokenResponse = await client.GetAsync(new Uri($"{tokens.Realm}?service=fake-registry&scope=repository:other/repo:pull"), Ct);
        using var json = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync(Ct));
        var token = json.RootElement.GetProperty("token").GetString()!;
        Assert.Equal(json.RootElement.GetProperty("access_token").GetString(), token);
        Assert.Equal(30, json.RootElement.GetProperty("expires_in").GetInt32());

        var wrongScope = Get(registry.Host.Url($"/v2/{Repo}/tags/list"));
        wrongScope.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var denied = await client.SendAsync(wrongScope, Ct)) Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.DoesNotContain(registry.Requests, r => r.Path == "/token");
    }

    [Fact]
    public async Task Basic_auth_mode_guards_v2()
    {
        var (registry, _) = await StartWithImageAsync();
        await using var __ = registry;
        registry.UseBasicAuth("bob", "pw");
        using var client = NewClient();
        using (var anonymous = await client.GetAsync(registry.Host.Url("/v2/"), Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        }
        var request = Get(registry.Host.Url("/v2/"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("bob:pw"u8));
        using var ok = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("Basic Ym9iOnB3", registry.Requests[^1].Authorization);
    }

    [Fact]
    public async Task Range_gives_206_and_can_be_ignored()
    {
        var (registry, image) = await StartWithImageAsync();
        await using var _ = registry;
        var layer = image.Layers[0];
        using var client = NewClient();

        var request = Get(BlobUri(registry, layer.Digest));
        request.Headers.Range = new RangeHeaderValue(1000, null);
        using (var partial = await client.SendAsync(request, Ct))
        {
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal($"bytes 1000-{layer.Size - 1}/{layer.Size}", partial.Content.Headers.ContentRange?.ToString());
            Assert.Equal(layer.Bytes.AsSpan(1000).ToArray(), await partial.Content.ReadAsByteArrayAsync(Ct));
        }

        var bounded = Get(BlobUri(registry, layer.Digest));
        bounded.Headers.Range = new RangeHeaderValue(10, 19);
        using (var slice = await client.SendAsync(bounded, Ct))
            Assert.Equal(layer.Bytes.AsSpan(10, 10).ToArray(), await slice.Content.ReadAsByteArrayAsync(Ct));

        registry.IgnoreRange = true;
        var ignored = Get(BlobUri(registry, layer.Digest));
        ignored.Headers.Range = new RangeHeaderValue(1000, null);
        using var whole = await client.SendAsync(ignored, Ct);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(layer.Bytes, await whole.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("bytes=1000-", registry.Requests[^1].Range);
    }

    [Fact]
    public async Task DropAfter_truncates_once_and_bytes_are_counted()
    {
        var (registry, image) = await StartWithImageAsync();
        await using var _ = registry;
        var layer = image.Layers[0];
        registry.Faults.Enqueue(layer.Digest, Fault.DropAfter(50_000));
        using var client = NewClient();

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await client.SendAsync(Get(BlobUri(registry, layer.Digest)), HttpCompletionOption.ResponseHeadersRead, Ct);
            await response.Content.ReadAsByteArrayAsync(Ct);
        });

        using var again = await client.SendAsync(Get(BlobUri(registry, layer.Digest)), Ct);
        Assert.Equal(layer.Bytes, await again.Content.ReadAsByteArrayAsync(Ct));

        Assert.Equal(50_000 + layer.Size, registry.BytesServed(layer.Digest));
        Assert.Equal(2, registry.Traffic.BodyResponses(layer.Digest));
        Assert.Equal(2, registry.RequestCount($"/v2/{Repo}/blobs/{layer.Digest}"));
        Assert.Equal([50_000L, layer.Size], registry.Requests.Select(r => r.BodyBytesServed));
        Assert.Equal(0, registry.Faults.Pending);
    }

    [Fact]
    public async Task Status_faults_are_consumed_in_order()
    {
        var (registry, image) = await StartWithImageAsync();
        await using var _ = registry;
        var layer = image.Layers[1];
        var path = $"/v2/{Repo}/blobs/{layer.Digest}";
        registry.Faults.Enqueue(layer.Digest, Fault.ServiceUnavailable(), times: 2).Enqueue(path, Fault.TooManyRequests());
        using var client = NewClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.SendAsync(Get(BlobUri(registry, layer.Digest)), Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
                Assert.Equal("TOOMANYREQUESTS", await ErrorCodeAsync(response));
            }
        }
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task Corrupt_flips_one_byte_and_wrong_length_changes_the_size()
    {
        var (registry, image) = await StartWithImageAsync();
        await using var _ = registry;
        var layer = image.Layers[1];
        registry.Faults.Enqueue(layer.Digest, Fault.Corrupt(3)).Enqueue(layer.Digest, Fault.WrongLength(-5)).Enqueue(layer.Digest, Fault.WrongLength(7));
        using var client = NewClient();

        var corrupt = await client.GetByteArrayAsync(BlobUri(registry, layer.Digest), Ct);
        Assert.Equal(layer.Size, corrupt.Length);
        Assert.Equal([3], Enumerable.Range(0, corrupt.Length).Where(i => corrupt[i] != layer.Bytes[i]));

        Assert.Equal(layer.Size - 5, (await client.GetByteArrayAsync(BlobUri(registry, layer.Digest), Ct)).Length);
        Assert.Equal(layer.Size + 7, (await client.GetByteArrayAsync(BlobUri(registry, layer.Digest), Ct)).Length);
    }

    [Fact]
    public async Task Stall_pauses_then_finishes()
    {
        var (registry, image) = await StartWithImageAsync();
        await using var _ = registry;
        var layer = image.Layers[1];
        registry.Faults.Enqueue(layer.Digest, Fault.Stall(10, TimeSpan.FromMilliseconds(300)));
        using var client = NewClient();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(layer.Bytes, await client.GetByteArrayAsync(BlobUri(registry, layer.Digest), Ct));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(250), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Errors_can_be_xml_and_unknown_names_are_name_unknown()
    {
        var (registry, _) = await StartWithImageAsync();
        await using var __ = registry;
        using var client = NewClient();
        using (var unknown = await client.GetAsync(registry.Host.Url("/v2/nobody/here/manifests/latest"), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("NAME_UNKNOWN", await ErrorCodeAsync(unknown));
        }

        registry.ErrorStyle = RegistryErrorStyle.Xml;
        using var missing = await client.GetAsync(BlobUri(registry, Digest.Compute("nope"u8)), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/xml", missing.Content.Headers.ContentType?.MediaType);
        var body = await missing.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code><Message>", body);
    }

    [Fact]
    public async Task Blob_redirect_goes_to_the_cdn_which_serves_ranges()
    {
        var (registry, image) = await StartWithImageAsync();
        await using var _ = registry;
        await using var cdn = await registry.StartCdnAsync(cancellationToken: Ct);
        var layer = image.Layers[0];
        using var client = NewClient();

        using var redirect = await client.SendAsync(Get(BlobUri(registry, layer.Digest)), Ct);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirect.StatusCode);
        var location = redirect.Headers.Location!;
        Assert.Equal("127.0.0.3", location.Host);
        Assert.Contains("sig=", location.Query);

        var ranged = Get(location);
        ranged.Headers.Range = new RangeHeaderValue(100, null);
        using var partial = await client.SendAsync(ranged, Ct);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(layer.Bytes.AsSpan(100).ToArray(), await partial.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(layer.Size - 100, registry.BytesServed(layer.Digest));
        Assert.Single(cdn.Host.Requests);
    }

    [Fact]
    public async Task Tags_are_paginated_with_link_headers()
    {
        var (registry, image) = await StartWithImageAsync(tag: null);
        await using var _ = registry;
        foreach (var tag in new[] { "a", "b", "c", "d", "e" }) registry.AddTag(Repo, tag, image.ManifestDigest);
        using var client = NewClient();

        var seen = new List<string>();
        var next = $"/v2/{Repo}/tags/list?n=2";
        var pages = 0;
        while (next is not null)
        {
            using var response = await client.GetAsync(registry.Host.Url(next), Ct);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal(Repo, json.RootElement.GetProperty("name").GetString());
            seen.AddRange(json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!));
            pages++;
            next = response.Headers.TryGetValues("Link", out var links) ? links.Single().Split('<', '>')[1] : null;
            if (next is not null) Assert.EndsWith("; rel=\"next\"", links!.Single());
        }
        Assert.Equal(["a", "b", "c", "d", "e"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Windows_scenario_foreign_blob_is_404_and_fwlink_chain_serves_it()
    {
        await using var scenario = await WindowsLikeScenario.StartAsync(Ct, foreignLayerSize: 64 * 1024);
        var registry = scenario.Registry;
        var entry = scenario.Entry("10.0.17763.6532");
        using var client = NewClient();

        using (var list = await client.SendAsync(Get(registry.Host.Url($"/v2/{WindowsLikeScenario.Repository}/manifests/{WindowsLikeScenario.Tag}"),
                   MediaTypes.ManifestAccept.ToArray()), Ct))
        {
            Assert.Equal(MediaTypes.DockerManifestList, list.Content.Headers.ContentType?.MediaType);
            var index = Assert.IsType<ImageIndex>(ManifestParser.Parse(await list.Content.ReadAsByteArrayAsync(Ct), MediaTypes.DockerManifestList));
            Assert.Equal(["10.0.17763.6532", "10.0.17763.5458", "10.0.20348.2849"], index.Manifests.Select(m => m.Platform!.OsVersion));
        }

        var manifest = Assert.IsType<ImageManifest>(ManifestParser.Parse(entry.Image.ManifestBytes, MediaTypes.DockerManifest));
        var foreign = manifest.Layers[0];
        Assert.True(foreign.IsForeign);
        Assert.Equal($"http://127.0.0.2:{scenario.Fwlink.BaseUri.Port}/fwlink/?linkid=837859", foreign.Urls!.Single());

        using (var missing = await client.GetAsync(registry.Host.Url($"/v2/{WindowsLikeScenario.Repository}/blobs/{foreign.Digest}"), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("BLOB_UNKNOWN", await ErrorCodeAsync(missing));
        }

        using var hop = await client.GetAsync(new Uri(foreign.Urls!.Single()), Ct);
        Assert.Equal(HttpStatusCode.Found, hop.StatusCode);
        Assert.Equal("127.0.0.3", hop.Headers.Location!.Host);
        var bytes = await client.GetByteArrayAsync(hop.Headers.Location, Ct);
        Assert.Equal(foreign.Digest, Digest.Compute(bytes));
        Assert.Equal(foreign.Size, bytes.Length);
        Assert.Equal(foreign.Size, registry.BytesServed(foreign.Digest));

        var second = await client.GetByteArrayAsync(registry.Host.Url($"/v2/{WindowsLikeScenario.Repository}/blobs/{manifest.Layers[1].Digest}"), Ct);
        Assert.Equal(manifest.Layers[1].Digest, Digest.Compute(second));
        Assert.Equal(0, scenario.Canary.RequestsStarted);
    }

    [Fact]
    public async Task Parallel_range_requests_are_served_and_counted()
    {
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: Ct);
        var layer = Layer.Random(4 << 20, seed: 9);
        registry.AddBlob(layer.Bytes);
        registry.AddManifest(Repo, "x", TestImages.Small("x").ManifestBytes, MediaTypes.DockerManifest);
        using var client = NewClient();
        const int parts = 16;
        var partSize = layer.Size / parts + 1;

        var chunks = await Task.WhenAll(Enumerable.Range(0, parts).Select(async i =>
        {
            var request = Get(BlobUri(registry, layer.Digest));
            request.Headers.Range = new RangeHeaderValue(i * partSize, Math.Min(layer.Size, (i + 1) * partSize) - 1);
            using var response = await client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            return await response.Content.ReadAsByteArrayAsync(Ct);
        }));

        Assert.Equal(layer.Bytes, chunks.SelectMany(c => c).ToArray());
        Assert.Equal(layer.Size, registry.BytesServed(layer.Digest));
        Assert.Equal(parts, registry.Traffic.BodyResponses(layer.Digest));
    }

    [Fact]
    public async Task Canary_hosts_record_requests()
    {
        await using var canary = await FakeHost.StartAsync(Loopback.Canary, Ct);
        using var client = NewClient();
        using var response = await client.GetAsync(canary.Url("/anything?x=1"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var request = Assert.Single(canary.Requests);
        Assert.Equal("/anything?x=1", request.PathAndQuery);
        Assert.Equal(canary.Authority, request.Host);
        Assert.Throws<ArgumentException>(() => Loopback.Parse("10.0.0.1"));
    }

    [Fact]
    public void Layers_are_deterministic_and_diff_ids_match()
    {
        var a = Layer.FromFiles(("a.txt", "A"), ("dir/b.txt", "B"));
        var b = Layer.FromFiles(("a.txt", "A"), ("dir/b.txt", "B"));
        Assert.Equal(a.Digest, b.Digest);
        using var gzip = new GZipStream(new MemoryStream(a.Bytes), CompressionMode.Decompress);
        using var tar = new MemoryStream();
        gzip.CopyTo(tar);
        Assert.Equal(a.DiffId, Digest.Compute(tar.ToArray()));

        var random = Layer.Random(1 << 20, seed: 5);
        Assert.Equal(random.Digest, Layer.Random(1 << 20, seed: 5).Digest);
        Assert.InRange(random.Size, 1 << 20, (1 << 20) + 64 * 1024);
        Assert.Equal(random.Digest, Digest.Compute(random.Bytes));

        var image = TestImages.Small("x", format: ManifestFormat.Oci);
        var index = TestImages.IndexOf(ManifestFormat.Oci, image, TestImages.Attestation(image));
        var parsed = Assert.IsType<ImageIndex>(ManifestParser.Parse(index.Bytes, MediaTypes.OciIndex));
        Assert.Equal("unknown", parsed.Manifests[1].Platform!.Os);
        Assert.Equal("attestation-manifest", parsed.Manifests[1].Annotations!["vnd.docker.reference.type"]);
    }
}
