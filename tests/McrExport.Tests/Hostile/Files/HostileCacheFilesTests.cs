using System.Diagnostics;
using McrExport.Content;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Hostile.Files;

/// <summary>
/// The blob cache is a folder anyone with the user's rights can touch: a flipped byte in a cached blob, an
/// <c>-f oci</c> output edited in place, cache folders swapped for links, and leftovers of a run killed with SIGKILL.
/// None of it reaches an output or makes the tool touch files outside the cache or the output's folder.
/// </summary>
public sealed class HostileCacheFilesTests
{
    [Theory]
    [InlineData("docker-tar")]
    [InlineData("oci-tar")]
    [InlineData("oci")]
    public async Task A_byte_flipped_in_a_cached_blob_is_detected_before_it_reaches_an_output(string format)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        using var temp = new TempFolder();
        var layer = Layer.Random(256 * 1024, 51);
        registry.Push("hostile/cache", "1", TestImages.Image(new Platform("linux", "amd64"), [layer]));
        var cache = new BlobStore(temp.Combine("cache"));
        await ExportAsync(registry, temp.Combine("first"), format, cache, ct);

        var cached = cache.PathOf(layer.Digest);
        var bytes = File.ReadAllBytes(cached);
        bytes[1000] ^= 0x01;
        File.WriteAllBytes(cached, bytes);
        var second = temp.Combine("second");
        await ExportAsync(registry, second, format, cache, ct);

        Assert.Equal(layer.Bytes, OutputBlob(second, format, layer.Digest));
        Assert.Equal(layer.Bytes, File.ReadAllBytes(cached));
        Assert.Equal(2 * layer.Size, registry.BytesServed(layer.Digest));
    }

    [Fact]
    public async Task An_oci_output_edited_in_place_does_not_corrupt_the_cache_or_the_next_export()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        using var temp = new TempFolder();
        var layer = Layer.Random(256 * 1024, 52);
        registry.Push("hostile/edit", "1", TestImages.Image(new Platform("linux", "amd64"), [layer]));
        var cache = new BlobStore(temp.Combine("cache"));
        var first = temp.Combine("first");
        await ExportAsync(registry, first, "oci", cache, ct, "hostile/edit");

        var output = Path.Combine(first, "blobs", "sha256", layer.Digest.Encoded);
        var linked = SafeFile.Identify(output)!;
        var original = SafeFile.Identify(cache.PathOf(layer.Digest))!;
        Assert.Equal(original.Inode, linked.Inode); // hard-linked: same file system
        Assert.True(linked.IsReadOnly, $"a hard-linked output has mode {Convert.ToString(linked.Permissions, 8)}; it must be read-only");
        using (var edit = new FileStream(output, FileMode.Open, FileAccess.ReadWrite)) // root ignores the mode
        {
            edit.Position = 10;
            edit.WriteByte(0x42);
        }
        var second = temp.Combine("second");
        await ExportAsync(registry, second, "oci", cache, ct, "hostile/edit");

        Assert.Equal(layer.Bytes, File.ReadAllBytes(Path.Combine(second, "blobs", "sha256", layer.Digest.Encoded)));
        Assert.Equal(layer.Bytes, File.ReadAllBytes(cache.PathOf(layer.Digest)));
        Assert.Equal(2 * layer.Size, registry.BytesServed(layer.Digest));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_writable_file_is_never_hard_linked()
    {
        using var temp = new TempFolder();
        var source = temp.Combine("writable");
        File.WriteAllText(source, "x");
        File.SetUnixFileMode(source, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.False(McrExport.Output.HardLink.TryCreate(source, temp.Combine("link")));
        File.SetUnixFileMode(source, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.True(McrExport.Output.HardLink.TryCreate(source, temp.Combine("link")));
    }

    [Theory]
    [InlineData("blobs/sha256")]
    [InlineData("partial")]
    public async Task Cache_prune_never_follows_a_link_out_of_the_cache(string swapped)
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var root = temp.Combine("cache");
        var victim = Directory.CreateDirectory(temp.Combine("victim")).FullName;
        var hex = Digest.Compute("victim"u8.ToArray()).Encoded;
        var victimFile = swapped == "partial" ? Path.Combine(victim, "sha256", hex) : Path.Combine(victim, hex);
        Directory.CreateDirectory(Path.GetDirectoryName(victimFile)!);
        File.WriteAllText(victimFile, "not the cache's");
        var link = Path.Combine(root, swapped);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        Directory.CreateSymbolicLink(link, victim);
        // A real entry on the other side, which prune does remove.
        var real = swapped == "partial" ? Path.Combine(root, "blobs", "sha256", hex) : Path.Combine(root, "partial", "sha256", hex);
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        File.WriteAllText(real, "cache entry");

        var result = await CliRunner.RunAsync(["cache", "prune", "--all", "--cache-dir", root], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(victimFile), "prune deleted a file outside the cache");
        Assert.False(File.Exists(real), "prune left a real cache entry");
    }

    [Fact]
    public async Task Leftovers_of_an_export_killed_with_sigkill_are_removed_by_the_next_run_to_the_same_place()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        using var temp = new TempFolder();
        var layer = Layer.Random(1 << 20, 53);
        registry.Push("hostile/killed", "1", TestImages.Image(new Platform("linux", "amd64"), [layer]));
        registry.Faults.Enqueue(layer.Digest, Fault.Stall(64 * 1024, TimeSpan.FromSeconds(10)));
        var outDir = Directory.CreateDirectory(temp.Combine("out")).FullName;
        var target = Path.Combine(outDir, "killed.tar");

        var pid = await KillDuringDownloadAsync([registry.Reference("hostile/killed", "1"), "-o", target, "--no-cache", "--stall-timeout", "600", "--retries", "0"],
            () => registry.BytesServed(layer.Digest) >= 64 * 1024 && Directory.EnumerateFileSystemEntries(outDir, ".mcr-export-*").Any(), ct);
        var left = Directory.GetFileSystemEntries(outDir);
        Assert.NotEmpty(left);
        // The tar output's own temporary name of the killed run, as it would be had the writer started.
        var partial = Path.Combine(outDir, $".killed.tar.{pid}-0123456789ab.partial");
        File.WriteAllBytes(partial, new byte[4096]);
        // A leftover of a live process that started before it was written (this one) stays.
        var live = Path.Combine(outDir, $".killed.tar.{Environment.ProcessId}-ba9876543210.partial");
        File.WriteAllBytes(live, new byte[10]);

        var clock = Stopwatch.StartNew();
        var rerun = await CliRunner.RunAsync([registry.Reference("hostile/killed", "1"), "-o", target, "--no-cache"], cancellationToken: ct);

        Assert.True(rerun.ExitCode == 0, rerun.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the rerun took {clock.Elapsed}: {rerun.Error}");
        Assert.Equal([".killed.tar." + Environment.ProcessId + "-ba9876543210.partial", "killed.tar"],
            Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        File.Delete(live);
    }

    [Fact]
    public async Task Cache_prune_removes_temporary_files_of_killed_runs_and_keeps_those_of_running_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var root = temp.Combine("cache");
        var tmp = Directory.CreateDirectory(Path.Combine(root, "tmp")).FullName;
        using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await gone.WaitForExitAsync(ct);
        var dead = Path.Combine(tmp, $".mcr-export-{gone.Id}-0123456789ab-layer-abc.tar");
        var running = Path.Combine(tmp, $".mcr-export-{Environment.ProcessId}-0123456789ab-layer-abc.tar");
        File.WriteAllBytes(dead, new byte[1000]);
        File.WriteAllBytes(running, new byte[1000]);

        var result = await CliRunner.RunAsync(["cache", "prune", "--older-than", "30d", "--cache-dir", root], cancellationToken: ct);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.False(File.Exists(dead), "the leftover of a finished process stayed");
        Assert.True(File.Exists(running), "the file of a running process was removed");
    }

    [Fact]
    public void A_leftover_whose_pid_was_reused_by_a_newer_process_is_stale()
    {
        Assert.False(Leftovers.MakerIsGone($"{Environment.ProcessId}-x", DateTime.UtcNow));
        var init = Process.GetProcessById(1).StartTime.ToUniversalTime();
        Assert.True(Leftovers.MakerIsGone("1-x", init.AddMinutes(-1)), "pid 1 started after the file was written: not its maker");
        Assert.False(Leftovers.MakerIsGone("1-x", init.AddMinutes(1)), "pid 1 runs and started before the file was written");
        Assert.True(Leftovers.MakerIsGone("nopid", DateTime.UtcNow.AddDays(-2)));
        Assert.False(Leftovers.MakerIsGone("nopid", DateTime.UtcNow));
    }

    private static async Task ExportAsync(FakeRegistry registry, string output, string format, BlobStore cache, CancellationToken ct, string repository = "hostile/cache")
    {
        var result = await CliRunner.RunAsync([registry.Reference(repository, "1"), "-o", output, "-f", format, "--cache-dir", cache.Root], cancellationToken: ct);
        Assert.True(result.ExitCode == 0, result.Error);
    }

    private static byte[] OutputBlob(string output, string format, Digest digest) => format == "oci"
        ? File.ReadAllBytes(Path.Combine(output, "blobs", "sha256", digest.Encoded))
        : TarContents.Read(output).ToFiles()[$"blobs/sha256/{digest.Encoded}"];

    /// <summary>Starts the tool, waits for <paramref name="started"/>, kills it with SIGKILL; returns its process id.</summary>
    private static async Task<int> KillDuringDownloadAsync(IEnumerable<string> args, Func<bool> started, CancellationToken ct)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "mcr-export.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(tool);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOCKER_CONFIG"] = Path.Combine(Path.GetTempPath(), "mcr-export-no-docker-config");
        using var process = Process.Start(start)!;
        var clock = Stopwatch.StartNew();
        while (!started() && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50, ct);
        Assert.False(process.HasExited, $"the export ended early: {await process.StandardError.ReadToEndAsync(ct)}");
        await Task.Delay(300, ct);
        process.Kill(); // SIGKILL: nothing runs after it
        await process.WaitForExitAsync(ct);
        return process.Id;
    }
}
