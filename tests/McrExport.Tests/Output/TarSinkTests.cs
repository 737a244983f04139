using System.Formats.Tar;
using System.Text;
using McrExport.Errors;
using McrExport.Output;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Output;

public sealed class TarSinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Entry_written_in_pieces_and_abandoned_leaves_the_archive_as_if_never_begun()
    {
        var piecewise = new MemoryStream();
        var tar = new TarSink(piecewise);
        await tar.AddDirectoryAsync("blobs", Ct);
        await tar.BeginFileAsync("blobs/x", 3000, Ct);
        await tar.AppendAsync(new byte[1700], Ct);
        await tar.AbandonFileAsync(Ct);
        await tar.BeginFileAsync("blobs/x", 5, Ct);
        await tar.AppendAsync("he"u8.ToArray(), Ct);
        await tar.AppendAsync("llo"u8.ToArray(), Ct);
        await Assert.ThrowsAsync<DigestMismatchException>(() => tar.AppendAsync("!"u8.ToArray(), Ct));
        await tar.EndFileAsync(Ct);
        await tar.CompleteAsync(Ct);

        var whole = new MemoryStream();
        var reference = new TarSink(whole);
        await reference.AddDirectoryAsync("blobs", Ct);
        await reference.AddFileAsync("blobs/x", "hello"u8.ToArray(), Ct);
        await reference.CompleteAsync(Ct);
        Assert.Equal(whole.ToArray(), piecewise.ToArray());
        Assert.Equal(piecewise.Length, tar.BytesWritten);
    }

    [Fact]
    public async Task Entry_cannot_be_abandoned_on_a_stream_that_cannot_seek_nor_end_short()
    {
        var tar = new TarSink(new NonSeekableStream());
        Assert.False(tar.CanRewind);
        await tar.BeginFileAsync("a", 10, Ct);
        await tar.AppendAsync(new byte[4], Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => tar.AbandonFileAsync(Ct));
        await Assert.ThrowsAsync<DigestMismatchException>(() => tar.EndFileAsync(Ct));
    }

    [Fact]
    public async Task Writes_deterministic_entries_that_a_standard_reader_reads_back()
    {
        var output = new NonSeekableStream();
        var tar = new TarSink(output);
        await tar.AddDirectoryAsync("blobs", Ct);
        await tar.AddFileAsync("blobs/a.txt", "hello"u8.ToArray(), Ct);
        var big = new byte[3 * 1024 * 1024 + 17];
        new Random(42).NextBytes(big);
        await tar.AddFileAsync("blobs/big", new MemoryStream(big), big.Length, Ct);
        await tar.CompleteAsync(Ct);

        var bytes = output.ToArray();
        Assert.Equal(0, bytes.Length % TarSink.BlockSize);
        Assert.Equal(bytes.Length, tar.BytesWritten);
        Assert.All(bytes[^1024..], b => Assert.Equal(0, b));

        var items = TarContents.Read(bytes);
        Assert.Equal(["blobs/", "blobs/a.txt", "blobs/big"], items.Select(i => i.Name));
        Assert.Equal([TarEntryType.Directory, TarEntryType.RegularFile, TarEntryType.RegularFile], items.Select(i => i.Type));
        Assert.Equal("hello", Encoding.UTF8.GetString(items[1].Content));
        Assert.Equal(big, items[2].Content);
        Assert.All(items, i => Assert.Equal(DateTimeOffset.UnixEpoch, i.ModificationTime));
        Assert.All(items, i => Assert.Equal((0, 0), (i.Uid, i.Gid)));
        Assert.Equal(Convert.ToInt32("755", 8), (int)items[0].Mode);
        Assert.Equal(Convert.ToInt32("644", 8), (int)items[1].Mode);
        Assert.Equal("ustar\000"u8.ToArray(), bytes[257..265]);
    }

    [Fact]
    public async Task Same_input_gives_the_same_bytes()
    {
        async Task<byte[]> Make()
        {
            var output = new MemoryStream();
            var tar = new TarSink(output);
            await tar.AddDirectoryAsync("d/", Ct);
            await tar.AddFileAsync("d/f", "x"u8.ToArray(), Ct);
            await tar.CompleteAsync(Ct);
            return output.ToArray();
        }
        Assert.Equal(await Make(), await Make());
    }

    [Fact]
    public async Task Names_longer_than_100_bytes_survive_through_a_pax_record()
    {
        var name = "blobs/sha512/" + new string('a', 128);
        var output = new MemoryStream();
        var tar = new TarSink(output);
        await tar.AddFileAsync(name, "z"u8.ToArray(), Ct);
        await tar.CompleteAsync(Ct);

        var item = Assert.Single(TarContents.Read(output.ToArray()));
        Assert.Equal(name, item.Name);
        Assert.Equal("z"u8.ToArray(), item.Content);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/abs")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("a\\b")]
    [InlineData("C:x")]
    [InlineData("")]
    [InlineData("a/\n")]
    public async Task Unsafe_names_are_rejected(string name)
    {
        var output = new MemoryStream();
        var tar = new TarSink(output);
        await Assert.ThrowsAsync<UnsafePathException>(() => tar.AddFileAsync(name, "x"u8.ToArray(), Ct));
        Assert.Equal(0, output.Length);
    }

    [Theory]
    [InlineData("oci-layout")]
    [InlineData("blobs/sha256/abc")]
    [InlineData("blobs/")]
    public void Safe_names_pass(string name) => TarEntryName.Validate(name);

    [Fact]
    public async Task A_name_may_appear_once()
    {
        var tar = new TarSink(new MemoryStream());
        await tar.AddFileAsync("a", "x"u8.ToArray(), Ct);
        await Assert.ThrowsAsync<UnsafePathException>(() => tar.AddFileAsync("a", "y"u8.ToArray(), Ct));
    }

    [Fact]
    public async Task A_stream_shorter_or_longer_than_its_size_fails()
    {
        var tar = new TarSink(new MemoryStream());
        await Assert.ThrowsAsync<DigestMismatchException>(() => tar.AddFileAsync("short", new MemoryStream(new byte[10]), 11, Ct));
        await Assert.ThrowsAsync<DigestMismatchException>(() => tar.AddFileAsync("long", new MemoryStream(new byte[12]), 11, Ct));
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_write()
    {
        var tar = new TarSink(new MemoryStream());
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tar.AddFileAsync("a", "x"u8.ToArray(), cts.Token));
    }

    [Fact]
    public async Task Nothing_may_follow_the_end_marker()
    {
        var tar = new TarSink(new MemoryStream());
        await tar.CompleteAsync(Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => tar.AddFileAsync("a", "x"u8.ToArray(), Ct));
    }
}
