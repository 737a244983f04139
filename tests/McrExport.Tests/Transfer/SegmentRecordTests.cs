using McrExport.Model;
using McrExport.Transfer;
using Xunit;

namespace McrExport.Tests.Transfer;

/// <summary>The resume record of a segmented download is untrusted input: only a well-formed one for this blob counts.</summary>
public sealed class SegmentRecordTests
{
    private static readonly Digest Blob = Digest.Compute("blob"u8.ToArray());
    private static string Text(params string[] done) =>
        $"mcr-export-segments 1\ndigest {Blob}\nsize 1000\n" + string.Concat(done.Select(d => $"done {d}\n"));

    [Fact]
    public void Round_trip_keeps_the_merged_ranges()
    {
        var record = new SegmentRecord(Blob, 1000, [new(500, 600), new(0, 100), new(100, 200)]);
        var parsed = SegmentRecord.Parse(record.Format(), Blob, 1000, fileLength: 600);
        Assert.NotNull(parsed);
        Assert.Equal([new ByteSpan(0, 200), new ByteSpan(500, 600)], parsed.Done);
    }

    [Theory]
    [InlineData("0 100", "50 150")]     // overlapping
    [InlineData("200 300", "0 100")]    // not sorted
    [InlineData("0 0")]                 // empty
    [InlineData("0 1001")]              // beyond the blob
    [InlineData("0 700")]               // beyond the file
    [InlineData("-1 100")]              // negative
    [InlineData("0 100 7")]             // extra field
    [InlineData("0 99999999999999999999")]
    public void Bad_ranges_make_the_record_void(params string[] done) =>
        Assert.Null(SegmentRecord.Parse(Text(done), Blob, 1000, fileLength: 600));

    [Fact]
    public void Record_of_another_blob_or_size_is_void()
    {
        Assert.Null(SegmentRecord.Parse(Text("0 100"), Digest.Compute("other"u8.ToArray()), 1000, 600));
        Assert.Null(SegmentRecord.Parse(Text("0 100"), Blob, 999, 600));
        Assert.Null(SegmentRecord.Parse(Text("0 100").Replace("segments 1", "segments 2", StringComparison.Ordinal), Blob, 1000, 600));
    }

    [Fact]
    public void Spans_give_the_missing_pieces_and_the_prefix()
    {
        IReadOnlyList<ByteSpan> done = [new(0, 10), new(20, 30)];
        Assert.Equal(10, ByteSpan.Prefix(done));
        Assert.Equal([new ByteSpan(10, 20), new ByteSpan(30, 100)], ByteSpan.Missing(done, 100));
        Assert.Equal([new ByteSpan(10, 20), new ByteSpan(30, 60), new ByteSpan(60, 90), new ByteSpan(90, 100)],
            ByteSpan.Split(ByteSpan.Missing(done, 100), 30));
    }
}
