using System.Text.Json;
using McrExport.Archive;
using McrExport.Http;
using McrExport.Model;
using McrExport.Push;
using McrExport.Registry;
using McrExport.Registry.Auth;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.AirGap;

/// <summary><c>push</c> against the real distribution registry: skip, mount, chunks with resume, foreign layer modes.</summary>
public sealed class PushTests
{
    [Fact]
    public async Task All_pushes_three_images_sharing_a_base_uploading_it_once_and_mounting_it_into_the_others()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        var images = new[] { "a", "b", "c" }.ToDictionary(n => n, n => ArchiveFixtures.Variant(n));
        foreach (var (name, image) in images) source.Push($"team/{name}", "1.0", image);
        await using var target = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();
        var tar = temp.Combine("three.tar");
        await ArchiveFixtures.ExportAsync(temp, tar, images.Keys.Select(n => source.Reference($"team/{n}", "1.0")), ct);

        var pushed = await CliRunner.RunAsync(["push", tar, target.Authority, "--all", .. ArchiveFixtures.Insecure(target.Authority)], cancellationToken: ct);

        Assert.True(pushed.ExitCode == 0, pushed.Error);
        var baseShort = ArchiveFixtures.Base.Digest.Short;
        Assert.Single(pushed.Error.Split('\n'), l => l.StartsWith($"uploaded {baseShort}", StringComparison.Ordinal));
        Assert.Equal(2, pushed.Error.Split('\n').Count(l => l.StartsWith($"mounted  {baseShort}", StringComparison.Ordinal)));
        using var reader = new RegistrySeeder(target.BaseUri);
        foreach (var (name, image) in images)
        {
            Assert.Contains($"{target.Authority}/team/{name}:1.0@{image.ManifestDigest}", pushed.Out);
            Assert.Equal(image.ManifestBytes, await reader.GetManifestAsync($"team/{name}", "1.0", ct));
            Assert.True(await reader.HasBlobAsync($"team/{name}", ArchiveFixtures.Base.Digest, ct));
        }

        var again = await CliRunner.RunAsync(["push", tar, target.Authority, "--all", .. ArchiveFixtures.Insecure(target.Authority)], cancellationToken: ct);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("blobs: 0 uploaded (0 B), 0 mounted, 9 already there", again.Out);
    }

    [Fact]
    public async Task Push_of_a_many_image_archive_without_all_is_a_usage_error()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        source.Push("team/a", "1.0", ArchiveFixtures.Variant("a"));
        source.Push("team/b", "1.0", ArchiveFixtures.Variant("b"));
        using var temp = new TempFolder();
        var tar = temp.Combine("two.tar");
        await ArchiveFixtures.ExportAsync(temp, tar, [source.Reference("team/a", "1.0"), source.Reference("team/b", "1.0")], ct);

        var pushed = await CliRunner.RunAsync(["push", tar, "127.0.0.1:1/x:1"], cancellationToken: ct);

        Assert.Equal(2, pushed.ExitCode);
        Assert.Contains("use --all", pushed.Error);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_interrupted_chunked_upload_resumes_at_the_registry_offset_or_starts_over_when_the_registry_refuses(bool afterServer)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        var big = Layer.Random(200_000, seed: 42);
        var image = ArchiveFixtures.Variant("big", big);
        source.Push("team/big", "1.0", image);
        await using var target = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();
        var tar = temp.Combine("big.tar");
        await ArchiveFixtures.ExportAsync(temp, tar, [source.Reference("team/big", "1.0")], ct);

        var content = ArchiveSource.Read(ImageArchive.Open(tar));
        Assert.Empty(content.Problems);
        var handler = new FailingPatchHandler(failOn: 3, afterServer);
        using var transport = new HttpTransport(new TransportPolicy([target.Authority]), handler);
        var client = new RegistryClient(target.Authority, target.Authority, transport, new DockerConfigCredentialSource(temp.Combine("none.json")),
            new RetryPolicy(3, TimeSpan.FromMilliseconds(10)));
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var pusher = new RegistrySink(content.Blobs, client, new PushOptions(ChunkSize: 32 * 1024, Parallelism: 1, Log: lines.Enqueue));

        var result = await pusher.PushAsync([new PushTarget(content.Set.Entries[0], "team/big", "1.0")], ct);

        var record = Assert.Single(result.Blobs, b => b.Digest == big.Digest);
        Assert.Equal(BlobAction.UploadedChunked, record.Action);
        var chunks = (int)Math.Ceiling(big.Size / (32.0 * 1024));
        var patches = handler.Log.Count(l => l.StartsWith("PATCH", StringComparison.Ordinal));
        Assert.Contains(handler.Log, l => l.StartsWith("GET /v2/team/big/blobs/uploads/", StringComparison.Ordinal));
        if (afterServer)
        {
            Assert.Equal((0, 1), (record.Resumes, record.Restarts));
            Assert.Equal(3 + chunks, patches);
            Assert.Contains($"{target.Authority} refused the upload of {big.Digest.Short} to team/big (it no longer knows it), starting over", lines);
        }
        else
        {
            Assert.Equal((1, 0), (record.Resumes, record.Restarts));
            Assert.Equal(chunks + 1, patches);
            // the third chunk failed before the registry took it: two chunks (64.0 KiB) stand
            Assert.Contains($"resuming the upload of {big.Digest.Short} to team/big at 64.0 KiB of {McrExport.Content.DiskErrors.FormatSize(big.Size)}", lines);
        }
        Assert.Equal(image.ManifestDigest, result.Images[0].Digest);

        var again = await CliRunner.RunAsync([$"{target.Authority}/team/big:1.0", "-o", temp.Combine("back.tar"), "--cache-dir", temp.Combine("cache2"),
            .. ArchiveFixtures.Insecure(target.Authority)], cancellationToken: ct);
        Assert.True(again.ExitCode == 0, again.Error);
        var verified = await CliRunner.RunAsync(["verify", temp.Combine("back.tar")], cancellationToken: ct);
        Assert.True(verified.ExitCode == 0, verified.Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("--include-foreign-layers")]
    [InlineData("--rewrite-foreign-layers")]
    public async Task Foreign_layers_stay_foreign_by_default_and_are_uploaded_or_rewritten_on_request(string? flag)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scenario = await WindowsLikeScenario.StartAsync(ct, foreignLayerSize: 32 * 1024);
        await using var target = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();
        var tar = temp.Combine("servercore.tar");
        var hosts = ArchiveFixtures.Insecure(target.Authority, scenario.Fwlink.Host.Authority, scenario.Cdn.Host.Authority);
        await ArchiveFixtures.ExportAsync(temp, tar, [scenario.Reference], ct, ["--os-version", "10.0.17763", .. hosts]);
        var entry = scenario.Entry("10.0.17763.6532").Image;
        var foreign = entry.Layers[0];

        var pushed = await CliRunner.RunAsync(["push", tar, $"{target.Authority}/windows/servercore", .. hosts, .. flag is null ? Array.Empty<string>() : [flag]],
            cancellationToken: ct);

        Assert.True(pushed.ExitCode == 0, pushed.Error + target.Tail());
        using var reader = new RegistrySeeder(target.BaseUri);
        var stored = await reader.GetManifestAsync("windows/servercore", "ltsc2019", ct);
        Assert.Equal(flag is not null, await reader.HasBlobAsync("windows/servercore", foreign.Digest, ct));
        if (flag != "--rewrite-foreign-layers")
        {
            Assert.Equal(entry.ManifestBytes, stored);
            Assert.Contains($"@{entry.ManifestDigest}", pushed.Out);
            return;
        }
        var newDigest = Digest.Compute(stored);
        Assert.NotEqual(entry.ManifestDigest, newDigest);
        Assert.Contains($"ltsc2019@{newDigest} (new digest: foreign layers rewritten; the archive had {entry.ManifestDigest})", pushed.Out);
        using var doc = JsonDocument.Parse(stored);
        var layer = doc.RootElement.GetProperty("layers")[0];
        Assert.Equal(MediaTypes.DockerLayerGzip, layer.GetProperty("mediaType").GetString());
        Assert.False(layer.TryGetProperty("urls", out _));
        Assert.Equal(foreign.Digest.ToString(), layer.GetProperty("digest").GetString());
    }
}
