using McrExport.Content;
using McrExport.Model;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Hostile.Files;

/// <summary>
/// The cache stamp and hard links: making or removing an <c>-f oci</c> output's link moves the blob's change time, and
/// must not cost a re-hash on the next warm export (the stamp follows the link count); a write still does.
/// </summary>
public sealed class CacheStampTests
{
    private static readonly FileIdentity Stamped = new(FileKind.Regular, 1, 2, 100, ChangeTimeNs: 10, ModifyTimeNs: 5, 0x124, Links: 1);

    [Fact]
    public void A_change_time_moved_with_the_link_count_keeps_the_content()
    {
        Assert.True((Stamped with { ChangeTimeNs = 11, Links = 2 }).SameContentOrLinkedAs(Stamped));
        Assert.True((Stamped with { ChangeTimeNs = 12, Links = 1 }).SameContentOrLinkedAs(Stamped with { Links = 2 }));
    }

    [Fact]
    public void A_change_time_moved_alone_or_with_a_write_does_not()
    {
        Assert.False((Stamped with { ChangeTimeNs = 11 }).SameContentOrLinkedAs(Stamped));
        Assert.False((Stamped with { ChangeTimeNs = 11, ModifyTimeNs = 6, Links = 2 }).SameContentOrLinkedAs(Stamped));
        Assert.False((Stamped with { ChangeTimeNs = 11, Size = 101, Links = 2 }).SameContentOrLinkedAs(Stamped));
        Assert.False((Stamped with { ChangeTimeNs = 11, Inode = 3, Links = 2 }).SameContentOrLinkedAs(Stamped));
        // A stamp written before link counts were kept needs the change time itself.
        Assert.False((Stamped with { ChangeTimeNs = 11, Links = 2 }).SameContentOrLinkedAs(Stamped with { Links = 0 }));
    }

    [Fact]
    public async Task A_link_made_and_removed_leaves_the_blob_trusted_with_a_stamp_that_follows()
    {
        using var temp = new TempFolder();
        var store = new BlobStore(temp.Combine("cache"));
        var bytes = System.Text.Encoding.ASCII.GetBytes("a cached layer");
        var descriptor = new Descriptor(MediaTypes.OciLayer, Digest.Compute(bytes), bytes.Length);
        await store.PutAsync(descriptor, bytes, TestContext.Current.CancellationToken);
        var stampPath = Path.Combine(temp.Combine("cache"), "stamps", descriptor.Digest.Algorithm, descriptor.Digest.Encoded);
        var before = File.ReadAllText(stampPath);

        var output = temp.Combine("out-blob");
        Assert.True(store.TryLink(descriptor.Digest, output));
        var linked = File.ReadAllText(stampPath);
        File.Delete(output);

        Assert.True(store.Contains(descriptor.Digest, descriptor.Size));
        Assert.NotEqual(before, linked);
        Assert.EndsWith(" 2", linked.Trim());
        Assert.EndsWith(" 1", File.ReadAllText(stampPath).Trim());
        await using var read = store.OpenRead(descriptor.Digest);
        Assert.Equal(bytes.Length, read.Length);
    }

    [Fact]
    public async Task A_write_through_a_link_is_still_caught()
    {
        using var temp = new TempFolder();
        var store = new BlobStore(temp.Combine("cache"));
        var bytes = System.Text.Encoding.ASCII.GetBytes("a cached layer");
        var descriptor = new Descriptor(MediaTypes.OciLayer, Digest.Compute(bytes), bytes.Length);
        await store.PutAsync(descriptor, bytes, TestContext.Current.CancellationToken);
        var output = temp.Combine("out-blob");
        Assert.True(store.TryLink(descriptor.Digest, output));

        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(output, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var edited = (byte[])bytes.Clone();
        edited[0] ^= 0x20;
        File.WriteAllBytes(output, edited);
        File.Delete(output);

        Assert.False(store.Contains(descriptor.Digest, descriptor.Size));
        Assert.False(File.Exists(store.PathOf(descriptor.Digest)));
    }
}
