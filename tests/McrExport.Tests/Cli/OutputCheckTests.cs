using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>
/// What can be checked before the network is checked before it: the output's folder, its writability, free space,
/// and a tar never goes to a terminal. The registry counts the requests: none may arrive.
/// </summary>
public sealed class OutputCheckTests
{
    private static async Task<(FakeRegistry Registry, string Reference)> RegistryAsync(CancellationToken ct)
    {
        var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.Push("demo/hello", "1.0", TestImages.Small("hello"));
        return (registry, registry.Reference("demo/hello", "1.0"));
    }

    [Theory]
    [InlineData("/proc/x.tar", 7, "cannot write /proc/x.tar: no new file can be made in /proc")]
    [InlineData("/nonexistent/dir/x.tar", 2, "cannot write /nonexistent/dir/x.tar: the folder /nonexistent/dir does not exist")]
    public async Task An_output_that_cannot_be_written_fails_before_any_request(string output, int exitCode, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, reference) = await RegistryAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();

        var run = await BuiltTool.RunAsync([reference, "-o", output, "--cache-dir", temp.Combine("cache")], ct);

        Assert.True(run.ExitCode == exitCode, run.Describe());
        Assert.Contains(message, run.Error);
        Assert.DoesNotContain(".partial", run.Error);
        Assert.Equal(0, registry.Host.RequestsStarted);
    }

    [Fact]
    public async Task A_read_only_folder_is_named_with_the_users_path_before_any_request()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, reference) = await RegistryAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();
        using var readOnly = MountedFolder.Mount(temp.Path, "ro,size=1m");
        var output = Path.Combine(readOnly.Path, "x.tar");

        var run = await BuiltTool.RunAsync([reference, "-o", output, "--cache-dir", temp.Combine("cache")], ct);

        Assert.True(run.ExitCode == 7, run.Describe());
        Assert.Contains($"cannot write {output}: the file system is read-only at {readOnly.Path}", run.Error);
        Assert.DoesNotContain(".partial", run.Error);
        Assert.Equal(0, registry.Host.RequestsStarted);
        Assert.Empty(Directory.GetFileSystemEntries(readOnly.Path));
    }

    [Fact]
    public async Task A_full_disk_is_refused_before_any_request()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, reference) = await RegistryAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();
        using var disk = MountedFolder.Mount(temp.Path, "size=256k");
        await FillAsync(Path.Combine(disk.Path, "filler"), ct);
        var output = Path.Combine(disk.Path, "x.tar");

        var run = await BuiltTool.RunAsync([reference, "-o", output, "--cache-dir", temp.Combine("cache")], ct);

        Assert.True(run.ExitCode == 7, run.Describe());
        Assert.Contains($"cannot write {output}", run.Error);
        Assert.Equal(0, registry.Host.RequestsStarted);
    }

    [Fact]
    public async Task An_unwritable_cache_folder_is_refused_before_any_request()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, reference) = await RegistryAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();

        var run = await BuiltTool.RunAsync([reference, "-o", temp.Combine("x.tar"), "--cache-dir", "/proc/mcr-export-cache"], ct);

        Assert.True(run.ExitCode == 7, run.Describe());
        Assert.Contains("cannot use the cache folder /proc/mcr-export-cache", run.Error);
        Assert.Equal(0, registry.Host.RequestsStarted);
    }

    [Fact]
    public async Task A_tar_to_standard_output_is_refused_when_that_is_a_terminal()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, reference) = await RegistryAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();

        var run = await BuiltTool.RunInTerminalAsync([reference, "-o", "-", "--cache-dir", temp.Combine("cache")], ct);

        Assert.True(run.ExitCode == 2, run.Describe());
        Assert.Contains("refusing to write a tar to the terminal", run.Out);
        Assert.DoesNotContain("manifest.json", run.Out);
        Assert.Equal(0, registry.Host.RequestsStarted);
    }

    [Fact]
    public async Task A_tar_to_a_redirected_standard_output_is_written()
    {
        var ct = TestContext.Current.CancellationToken;
        var (registry, reference) = await RegistryAsync(ct);
        await using var _ = registry;
        using var temp = new TempFolder();
        var command = $"{BuiltTool.ShellQuote(BuiltTool.Dotnet)} {BuiltTool.ShellQuote(BuiltTool.Assembly)} {reference} -o - --cache-dir {BuiltTool.ShellQuote(temp.Combine("cache"))} > {BuiltTool.ShellQuote(temp.Combine("x.tar"))}";

        var result = await ProcessRunner.RunAsync("script", ["-qec", command, "/dev/null"], TimeSpan.FromMinutes(2), ct);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.True(new FileInfo(temp.Combine("x.tar")).Length > 1024);
    }

    private static async Task FillAsync(string path, CancellationToken ct)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[4096];
        try
        {
            while (true) await file.WriteAsync(block, ct);
        }
        catch (IOException) { }
    }
}
