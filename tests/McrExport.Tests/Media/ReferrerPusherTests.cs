using System.Collections.Concurrent;
using McrExport.Http;
using McrExport.Model;
using McrExport.Push;
using McrExport.Registry;
using McrExport.Registry.Auth;
using McrExport.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace McrExport.Tests.Media;

/// <summary>
/// How a pushed referrer is recorded for its subject: by a registry with the referrers API (it answers the manifest
/// PUT with <c>OCI-Subject</c>; no index is touched), else in the tag schema's index, which is read and extended.
/// A scripted registry plays the API side, which no installed registry has.
/// </summary>
public sealed class ReferrerPusherTests
{
    private sealed class ScriptedRegistry
    {
        public ConcurrentDictionary<string, (byte[] Bytes, string Type)> Manifests { get; } = new();
        public bool AnswersWithSubject { get; init; }

        public async Task HandleAsync(HttpContext context)
        {
            var path = context.Request.Path.Value!;
            var reference = path[(path.LastIndexOf('/') + 1)..];
            if (HttpMethods.IsPut(context.Request.Method))
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                Manifests[reference] = (body.ToArray(), context.Request.ContentType!);
                var digest = Digest.Compute(body.ToArray());
                context.Response.Headers["Docker-Content-Digest"] = digest.ToString();
                if (AnswersWithSubject && System.Text.Json.Nodes.JsonNode.Parse(body.ToArray())?["subject"]?["digest"]?.GetValue<string>() is { } subject)
                    context.Response.Headers["OCI-Subject"] = subject;
                context.Response.StatusCode = 201;
                return;
            }
            if (Manifests.TryGetValue(reference, out var stored))
            {
                context.Response.ContentType = stored.Type;
                await context.Response.Body.WriteAsync(stored.Bytes);
                return;
            }
            await RegistryErrors.WriteAsync(context, 404, RegistryErrors.ManifestUnknown, "manifest unknown", RegistryErrorStyle.Json);
        }
    }

    private static async Task<(FakeHost Host, ReferrerPusher Pusher)> StartAsync(ScriptedRegistry registry, CancellationToken ct)
    {
        var host = await FakeHost.StartAsync(Loopback.Registry, ct);
        host.MapPrefix("/v2/", registry.HandleAsync);
        var client = new RegistryClient(host.Authority, host.Authority, new HttpTransport(new TransportPolicy([host.Authority])),
            new DockerConfigCredentialSource(Path.Combine(Path.GetTempPath(), "mcr-export-none.json")), new RetryPolicy(1, TimeSpan.FromMilliseconds(10)));
        return (host, new ReferrerPusher(new BlobUploader(client)));
    }

    private static SetEntry AsReferrer(TestArtifact artifact)
    {
        var manifest = (ImageManifest)ManifestParser.Parse(artifact.ManifestBytes, MediaTypes.OciManifest);
        var descriptor = new Descriptor(MediaTypes.OciManifest, artifact.Digest, artifact.ManifestBytes.Length)
        {
            ArtifactType = artifact.ArtifactType,
            Annotations = artifact.Tag is { } tag ? new Dictionary<string, string> { [ReferrerTags.CosignTagAnnotation] = tag } : null,
        };
        return new SetEntry(new Artifact(descriptor, artifact.ManifestBytes, manifest));
    }

    [Fact]
    public async Task A_registry_with_the_referrers_api_gets_the_manifest_by_digest_and_no_index()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new ScriptedRegistry { AnswersWithSubject = true };
        var (host, pusher) = await StartAsync(registry, ct);
        await using var _ = host;
        var scenario = ReferrerScenario.Create();

        var recorded = await pusher.PutAsync("signed/app", AsReferrer(scenario.Signature), ct);

        Assert.Equal(ReferrerPusher.Recorded.ByApi, recorded);
        Assert.Equal(scenario.Signature.ManifestBytes, registry.Manifests[scenario.Signature.Digest.ToString()].Bytes);
        Assert.DoesNotContain(host.Requests, r => r.Path.Contains("/manifests/sha256-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_api_the_tag_schema_index_is_started_then_extended_once_per_referrer()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new ScriptedRegistry();
        var (host, pusher) = await StartAsync(registry, ct);
        await using var _ = host;
        var scenario = ReferrerScenario.Create();
        var tag = ReferrerTags.FallbackTag(scenario.Image.ManifestDigest);

        Assert.Equal(ReferrerPusher.Recorded.ByTagSchema, await pusher.PutAsync("signed/app", AsReferrer(scenario.Signature), ct));
        Assert.Equal(ReferrerPusher.Recorded.ByTagSchema, await pusher.PutAsync("signed/app", AsReferrer(scenario.Sbom), ct));
        Assert.Equal(ReferrerPusher.Recorded.ByTagSchema, await pusher.PutAsync("signed/app", AsReferrer(scenario.Sbom), ct));
        Assert.Equal(ReferrerPusher.Recorded.ByCosignTag, await pusher.PutAsync("signed/app", AsReferrer(scenario.Cosign), ct));

        var (bytes, type) = registry.Manifests[tag];
        Assert.Equal(MediaTypes.OciIndex, type);
        var index = (ImageIndex)ManifestParser.Parse(bytes, type);
        Assert.Equal([scenario.Signature.Digest, scenario.Sbom.Digest], index.Manifests.Select(d => d.Digest).ToArray());
        Assert.Equal<string>([ReferrerKinds.NotarySignature, ReferrerKinds.SpdxJson], index.Manifests.Select(d => d.ArtifactType!).ToArray());
        Assert.Equal(2, host.Requests.Count(r => r.Method == "PUT" && r.Path.EndsWith("/" + tag, StringComparison.Ordinal)));
        Assert.Equal(scenario.Cosign.ManifestBytes, registry.Manifests[scenario.Cosign.Tag!].Bytes);
    }
}
