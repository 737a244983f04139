using McrExport.Errors;
using McrExport.Output;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Output;

public sealed class AtomicOutputTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_file_appears_only_when_complete()
    {
        var target = _temp.Combine("out.tar");
        await AtomicOutput.WriteFileAsync(target, async (stream, ct) =>
        {
            await stream.WriteAsync("partly"u8.ToArray(), ct);
            Assert.False(File.Exists(target));
            Assert.Single(Directory.GetFiles(_temp.Path), f => Path.GetFileName(f).StartsWith(".out.tar.", StringComparison.Ordinal)
                && f.EndsWith(".partial", StringComparison.Ordinal));
        }, 6, Ct);

        Assert.Equal("partly", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task A_failing_write_leaves_nothing_and_keeps_an_existing_file()
    {
        var target = _temp.Combine("out.tar");
        await File.WriteAllTextAsync(target, "previous", Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => AtomicOutput.WriteFileAsync(target, async (stream, ct) =>
        {
            await stream.WriteAsync("half"u8.ToArray(), ct);
            throw new InvalidOperationException("boom");
        }, 10, Ct));

        Assert.Equal("previous", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task A_failing_write_leaves_no_file_at_a_new_path()
    {
        var target = _temp.Combine("new.tar");
        await Assert.ThrowsAsync<IntegrityException>(() => AtomicOutput.WriteFileAsync(target,
            (_, _) => throw new IntegrityException("bad"), 10, Ct));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task Cancellation_leaves_nothing()
    {
        var target = _temp.Combine("out.tar");
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicOutput.WriteFileAsync(target, async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[4096], ct);
            await cts.CancelAsync();
            await stream.WriteAsync(new byte[4096], ct);
        }, 8192, cts.Token));

        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task Standard_output_is_written_directly()
    {
        var stdout = new NonSeekableStream();
        await AtomicOutput.WriteFileAsync(new WriterOptions("-") { StandardOutput = stdout },
            (stream, ct) => stream.WriteAsync("to stdout"u8.ToArray(), ct).AsTask(), 9, Ct);
        Assert.Equal("to stdout"u8.ToArray(), stdout.ToArray());
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task A_failing_folder_write_leaves_nothing_and_keeps_an_existing_layout()
    {
        var target = _temp.Combine("layout");
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "oci-layout"), "old", Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => AtomicOutput.WriteDirectoryAsync(target, async (dir, ct) =>
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "oci-layout"), "new", ct);
            throw new InvalidOperationException("boom");
        }, 10, Ct));

        Assert.Equal("old", File.ReadAllText(Path.Combine(target, "oci-layout")));
        Assert.Equal([target], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task A_cancelled_folder_write_leaves_nothing()
    {
        var target = _temp.Combine("layout");
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicOutput.WriteDirectoryAsync(target, async (dir, ct) =>
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "oci-layout"), "new", ct);
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
        }, 10, cts.Token));

        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task A_folder_replaces_an_existing_layout()
    {
        var target = _temp.Combine("layout");
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "oci-layout"), "old", Ct);

        await AtomicOutput.WriteDirectoryAsync(target, (dir, ct) => File.WriteAllTextAsync(Path.Combine(dir, "oci-layout"), "new", ct), 3, Ct);

        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "oci-layout")));
        Assert.Equal([target], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public async Task A_tar_output_that_is_a_folder_is_refused()
    {
        await Assert.ThrowsAsync<UsageException>(() => AtomicOutput.WriteFileAsync(_temp.Path, (_, _) => Task.CompletedTask, 0, Ct));
    }
}
