using McrExport.Model;
using McrExport.Push;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.AirGap;

/// <summary>The record of unfinished uploads kept across runs: one file per key, replaced by rename, never with user info.</summary>
public sealed class UploadStateStoreTests
{
    private static readonly Digest Blob = Digest.Compute("blob"u8.ToArray());

    [Fact]
    public async Task Saves_loads_replaces_and_deletes_one_file_per_registry_repository_and_digest()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var store = UploadStateStore.InCache(temp.Path);
        var first = new UploadState("127.0.0.1:5000", "team/big", Blob, new Uri("http://127.0.0.1:5000/v2/team/big/blobs/uploads/u1?_state=a"), 1024);
        var newer = first with { Location = new Uri("http://127.0.0.1:5000/v2/team/big/blobs/uploads/u1?_state=b"), Offset = 2048 };

        Assert.Null(await store.LoadAsync(first.Authority, first.Repository, Blob, ct));
        Assert.True(await store.SaveAsync(first, ct));
        Assert.True(await store.SaveAsync(newer, ct));

        Assert.Equal(newer, await store.LoadAsync("127.0.0.1:5000", "team/big", Blob, ct));
        Assert.Null(await store.LoadAsync("127.0.0.1:5000", "team/other", Blob, ct));
        Assert.Null(await store.LoadAsync("127.0.0.1:5001", "team/big", Blob, ct));
        var file = Assert.Single(Directory.GetFiles(temp.Combine("uploads")));
        Assert.Equal(store.PathOf(first.Authority, first.Repository, Blob), file);
        Assert.Matches("^[0-9a-f]{64}\\.json$", Path.GetFileName(file));

        store.Delete(first.Authority, first.Repository, Blob);
        Assert.Empty(Directory.GetFiles(temp.Combine("uploads")));
        Assert.Null(await store.LoadAsync(first.Authority, first.Repository, Blob, ct));
    }

    [Fact]
    public async Task A_url_with_user_info_is_never_written_nor_read()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var store = UploadStateStore.InCache(temp.Path);
        var clean = new UploadState("127.0.0.1:5000", "team/big", Blob, new Uri("http://127.0.0.1:5000/v2/team/big/blobs/uploads/u1"), 10);
        Assert.True(await store.SaveAsync(clean, ct));

        var secret = clean with { Location = new Uri("http://user:hunter2@127.0.0.1:5000/v2/team/big/blobs/uploads/u1") };
        Assert.False(await store.SaveAsync(secret, ct));
        Assert.Empty(Directory.GetFiles(temp.Combine("uploads")));

        var path = store.PathOf(clean.Authority, clean.Repository, Blob);
        await File.WriteAllTextAsync(path, $$"""
            {"Authority":"127.0.0.1:5000","Repository":"team/big","Digest":"{{Blob}}","Location":"http://user:hunter2@127.0.0.1:5000/v2/x","Offset":10}
            """, ct);
        Assert.Null(await store.LoadAsync(clean.Authority, clean.Repository, Blob, ct));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_damaged_or_misplaced_record_reads_as_none_and_is_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var store = UploadStateStore.InCache(temp.Path);
        var state = new UploadState("127.0.0.1:5000", "team/big", Blob, new Uri("http://127.0.0.1:5000/v2/team/big/blobs/uploads/u1"), 10);
        Assert.True(await store.SaveAsync(state, ct));
        var path = store.PathOf(state.Authority, state.Repository, Blob);
        var otherPath = store.PathOf(state.Authority, "team/other", Blob);
        File.Copy(path, otherPath);
        await File.WriteAllTextAsync(path, "{\"Authority\":", ct);

        Assert.Null(await store.LoadAsync(state.Authority, state.Repository, Blob, ct));
        Assert.Null(await store.LoadAsync(state.Authority, "team/other", Blob, ct));
        Assert.Empty(Directory.GetFiles(temp.Combine("uploads")));
    }

    [Fact]
    public async Task Saving_replaces_the_file_by_rename_and_leaves_no_temporary_file()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var store = UploadStateStore.InCache(temp.Path);
        var state = new UploadState("127.0.0.1:5000", "team/big", Blob, new Uri("http://127.0.0.1:5000/v2/team/big/blobs/uploads/u1"), 0);
        Assert.True(await store.SaveAsync(state, ct));
        var path = store.PathOf(state.Authority, state.Repository, Blob);
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var before = new byte[reader.Length];
        reader.ReadExactly(before);

        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => store.SaveAsync(state with { Offset = i * 1024L }, ct)));

        Assert.Equal(before, ReadAgain(reader));
        Assert.Single(Directory.GetFiles(temp.Combine("uploads")));
        var loaded = await store.LoadAsync(state.Authority, state.Repository, Blob, ct);
        Assert.NotNull(loaded);
        Assert.InRange(loaded.Offset, 1024, 20 * 1024);
    }

    private static byte[] ReadAgain(FileStream stream)
    {
        stream.Position = 0;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
