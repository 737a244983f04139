using McrExport.Cli;
using Xunit;

namespace McrExport.Tests.Probe;

/// <summary>A full or read-only disk met where no writer named it (the cache folder, say) still gets a hint.</summary>
public sealed class FileSystemErrorTests
{
    [Fact]
    public void A_full_disk_says_where_more_space_can_come_from()
    {
        var error = new StringWriter();

        var code = CliApp.Report(new IOException("No space left on device : '/cache/partial/sha256/ab'", 28), error);

        Assert.Equal(7, code);
        Assert.Contains("error: no space left on the disk: No space left on device", error.ToString());
        Assert.Contains("hint: free some space, or point --output / --cache-dir at a larger disk", error.ToString());
    }

    [Fact]
    public void A_read_only_file_system_is_named_and_points_at_a_writable_folder()
    {
        var error = new StringWriter();

        var code = CliApp.Report(new IOException("Read-only file system : '/ro/cache/blobs'", 30), error);

        Assert.Equal(7, code);
        Assert.Contains("error: the file system is read-only: Read-only file system : '/ro/cache/blobs'", error.ToString());
        Assert.Contains("hint: point --output / --cache-dir at a writable folder", error.ToString());
    }
}
