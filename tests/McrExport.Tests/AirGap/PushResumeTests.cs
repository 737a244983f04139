using System.Diagnostics;
using System.Text;
using System.Text.Json;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.AirGap;

/// <summary>A push killed half-way through a chunked upload continues it on the next run, against the real distribution registry.</summary>
public sealed class PushResumeTests
{
    private const int BlobBytes = 48 * 1024 * 1024;
    private const int ChunkBytes = 1024 * 1024;

    [Fact]
    public async Task A_push_killed_mid_upload_resumes_on_the_next_run_at_the_registry_offset()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        var big = Layer.Random(BlobBytes, seed: 7);
        var image = ArchiveFixtures.Variant("huge", big);
        source.Push("team/huge", "1.0", image);
        await using var registry = await RegistryPeer.StartAsync(ct);
        await using var proxy = await HoldingProxy.StartAsync(registry.BaseUri, ct);
        using var temp = new TempFolder();
        var tar = temp.Combine("huge.tar");
        await ArchiveFixtures.ExportAsync(temp, tar, [source.Reference("team/huge", "1.0")], ct);
        var cache = temp.Combine("push-cache");
        string[] push = ["push", tar, $"{proxy.Authority}/team/huge:1.0", "--chunk-size", ChunkBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cache-dir", cache, .. ArchiveFixtures.Insecure(proxy.Authority)];

        proxy.HoldPatch = start => start >= big.Size * 4 / 10;
        var firstOutput = new StringBuilder();
        long killedAt;
        using (var first = StartTool(push, temp.Combine("docker"), firstOutput))
        {
            try
            {
                var held = await Task.WhenAny(proxy.Held.Task, first.WaitForExitAsync(ct), Task.Delay(TimeSpan.FromMinutes(2), ct));
                Assert.True(held == proxy.Held.Task, $"the first push did not reach the held chunk; exited: {first.HasExited}; {firstOutput}");
                killedAt = await proxy.Held.Task;
                var state = Assert.Single(Directory.GetFiles(Path.Combine(cache, "uploads"), "*.json"));
                using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(state, ct));
                Assert.Equal(killedAt, doc.RootElement.GetProperty("Offset").GetInt64());
            }
            finally
            {
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync(ct);
            }
        }
        proxy.HoldPatch = null;
        proxy.ResetCounters();

        var second = await CliRunner.RunAsync(push, cancellationToken: ct);

        Assert.True(second.ExitCode == 0, second.Error + registry.Tail());
        Assert.Contains($"resuming the saved upload of {big.Digest.Short} to team/huge at {McrExport.Content.DiskErrors.FormatSize(killedAt)} of {McrExport.Content.DiskErrors.FormatSize(big.Size)}", second.Error);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"blob {big.Size} bytes; killed at {killedAt}; the rerun sent {proxy.PatchBytes} bytes in PATCH, {proxy.BodyBytes} bytes in all");
        Assert.Equal(big.Size - killedAt, proxy.PatchBytes);
        Assert.True(proxy.BodyBytes < big.Size * 8 / 10, $"the rerun sent {proxy.BodyBytes} of {big.Size} bytes");
        await AssertBlobAsync(registry, "team/huge", big, ct);
        Assert.Contains($"{proxy.Authority}/team/huge:1.0@{image.ManifestDigest}", second.Out);
        Assert.Empty(Directory.GetFiles(Path.Combine(cache, "uploads")));
    }

    [Fact]
    public async Task An_upload_the_registry_no_longer_knows_starts_over_and_its_record_is_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        var big = Layer.Random(200_000, seed: 11);
        var image = ArchiveFixtures.Variant("stale", big);
        source.Push("team/stale", "1.0", image);
        await using var registry = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();
        var tar = temp.Combine("stale.tar");
        await ArchiveFixtures.ExportAsync(temp, tar, [source.Reference("team/stale", "1.0")], ct);
        var cache = temp.Combine("push-cache");
        var store = McrExport.Push.UploadStateStore.InCache(cache);
        var stale = new Uri(registry.BaseUri, $"v2/team/stale/blobs/uploads/{Guid.NewGuid()}?_state=forgotten");
        Assert.True(await store.SaveAsync(new McrExport.Push.UploadState(registry.Authority, "team/stale", big.Digest, stale, 65536), ct));

        var pushed = await CliRunner.RunAsync(["push", tar, $"{registry.Authority}/team/stale:1.0", "--chunk-size", "32768", "--cache-dir", cache,
            .. ArchiveFixtures.Insecure(registry.Authority)], cancellationToken: ct);

        Assert.True(pushed.ExitCode == 0, pushed.Error + registry.Tail());
        Assert.DoesNotContain("resuming", pushed.Error);
        Assert.Contains($"{registry.Authority} refused the saved upload of {big.Digest.Short} to team/stale (it stood at 64.0 KiB), starting over", pushed.Error);
        Assert.DoesNotContain(" bytes", pushed.Error);
        Assert.Contains($"uploaded (chunked) {big.Digest.Short}", pushed.Error);
        await AssertBlobAsync(registry, "team/stale", big, ct);
        Assert.Empty(Directory.GetFiles(Path.Combine(cache, "uploads")));
    }

    [Fact]
    public async Task A_saved_upload_is_continued_and_its_observer_hears_where_and_every_byte_read_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await FakeRegistry.StartAsync(cancellationToken: ct);
        var big = Layer.Random(200_000, seed: 13);
        var image = ArchiveFixtures.Variant("part", big);
        source.Push("team/part", "1.0", image);
        await using var registry = await RegistryPeer.StartAsync(ct);
        using var temp = new TempFolder();
        var tar = temp.Combine("part.tar");
        await ArchiveFixtures.ExportAsync(temp, tar, [source.Reference("team/part", "1.0")], ct);
        // an earlier run's upload that stopped after its first 64 KiB chunk, as the registry and the state file know it
        const int sent = 65536;
        using var http = new HttpClient();
        using var started = await http.PostAsync(new Uri(registry.BaseUri, "v2/team/part/blobs/uploads/"), null, ct);
        var patch = new HttpRequestMessage(HttpMethod.Patch, new Uri(registry.BaseUri, started.Headers.Location!))
        {
            Content = new ByteArrayContent(big.Bytes, 0, sent),
        };
        patch.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        patch.Content.Headers.TryAddWithoutValidation("Content-Range", $"0-{sent - 1}");
        using var patched = await http.SendAsync(patch, ct);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, patched.StatusCode);
        var cache = temp.Combine("push-cache");
        var store = McrExport.Push.UploadStateStore.InCache(cache);
        Assert.True(await store.SaveAsync(new McrExport.Push.UploadState(registry.Authority, "team/part", big.Digest,
            new Uri(registry.BaseUri, patched.Headers.Location!), sent), ct));

        var content = McrExport.Archive.ArchiveSource.Read(McrExport.Archive.ImageArchive.Open(tar));
        var observer = new RecordingObserver();
        using var transport = new McrExport.Http.HttpTransport(new McrExport.Http.TransportPolicy([registry.Authority]));
        var client = new McrExport.Registry.RegistryClient(registry.Authority, registry.Authority, transport,
            new McrExport.Registry.Auth.DockerConfigCredentialSource(temp.Combine("none.json")), new McrExport.Http.RetryPolicy(1, TimeSpan.FromMilliseconds(10)));
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sink = new McrExport.Push.RegistrySink(content.Blobs, client,
            new McrExport.Push.PushOptions(ChunkSize: 32 * 1024, Parallelism: 1, Log: lines.Enqueue, Uploads: store, Observer: observer));

        var result = await sink.PushAsync([new McrExport.Push.PushTarget(content.Set.Entries[0], "team/part", "1.0")], ct);

        Assert.Equal(image.ManifestDigest, result.Images[0].Digest);
        Assert.Equal(sent, Assert.Single(observer.Resumed, r => r.Digest == big.Digest).Offset);
        // every byte is read once: the first 64 KiB to hash them (the closing PUT waits for the whole digest), the rest to send
        Assert.Equal(big.Size, observer.Read(big.Digest));
        Assert.Contains($"resuming the saved upload of {big.Digest.Short} to team/part at 64.0 KiB of {McrExport.Content.DiskErrors.FormatSize(big.Size)}", lines);
        await AssertBlobAsync(registry, "team/part", big, ct);
    }

    private sealed class RecordingObserver : McrExport.Push.IPushObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<McrExport.Model.Digest, long> _read = new();

        public System.Collections.Concurrent.ConcurrentQueue<(McrExport.Model.Digest Digest, long Offset)> Resumed { get; } = new();

        public long Read(McrExport.Model.Digest digest) => _read.GetValueOrDefault(digest);

        void McrExport.Push.IPushObserver.Resumed(McrExport.Model.Descriptor blob, string repository, long offset) => Resumed.Enqueue((blob.Digest, offset));

        void McrExport.Push.IPushObserver.Progress(McrExport.Model.Descriptor blob, long bytes) => _read.AddOrUpdate(blob.Digest, bytes, (_, n) => n + bytes);
    }

    private static async Task AssertBlobAsync(RegistryPeer registry, string repository, Layer blob, CancellationToken ct)
    {
        using var http = new HttpClient();
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(registry.BaseUri, $"v2/{repository}/blobs/{blob.Digest}")), ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(blob.Size, head.Content.Headers.ContentLength);
        Assert.Equal(blob.Digest.ToString(), head.Headers.GetValues("Docker-Content-Digest").Single());
    }

    private static Process StartTool(IEnumerable<string> args, string dockerConfig, StringBuilder output)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "mcr-export.dll");
        Assert.True(File.Exists(tool), $"{tool} is missing");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(host) || !File.Exists(host) ? "dotnet" : host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(tool);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOCKER_CONFIG"] = dockerConfig;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
