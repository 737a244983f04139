using System.Globalization;
using System.Text;
using McrExport.Content;
using McrExport.Model;

namespace McrExport.Transfer;

/// <summary>
/// Which byte ranges of a partial file written by several connections hold bytes already received, kept next to it as
/// <c>&lt;partial&gt;.segments</c> so a later run fetches only the rest. A small text file, replaced by rename:
/// <code>
/// mcr-export-segments 1
/// digest sha256:…
/// size 268435456
/// done 0 16777216
/// </code>
/// It comes from the cache folder, so it is untrusted: it is read with a size bound and used only when it names this
/// blob and size and its ranges are sorted, disjoint and inside the file; otherwise it is thrown away (and the final
/// digest check still covers whatever the ranges claim).
/// </summary>
public sealed record SegmentRecord(Digest Digest, long Size, IReadOnlyList<ByteSpan> Done)
{
    private const string Header = "mcr-export-segments 1";
    private const int MaxBytes = 256 * 1024;
    private const int MaxRanges = 4096;

    public static string PathFor(string partialPath) => partialPath + BlobStore.SegmentsSuffix;

    public static bool Exists(string partialPath) => File.Exists(PathFor(partialPath));

    /// <summary>The record of a partial file when it is present and valid; null otherwise.</summary>
    public static SegmentRecord? Load(string partialPath, Digest digest, long size)
    {
        var path = PathFor(partialPath);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxBytes) return null;
            var partial = new FileInfo(partialPath);
            var fileLength = partial.Exists ? partial.Length : 0;
            return Parse(File.ReadAllText(path, Encoding.UTF8), digest, size, fileLength);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Parses a record's text; null unless it is well-formed and fits this blob and a file of <paramref name="fileLength"/> bytes.</summary>
    public static SegmentRecord? Parse(string text, Digest digest, long size, long fileLength)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 3 || lines.Length > MaxRanges + 3) return null;
        if (lines[0] != Header || lines[1] != $"digest {digest}" || lines[2] != $"size {size.ToString(CultureInfo.InvariantCulture)}") return null;
        var done = new List<ByteSpan>();
        long end = 0;
        foreach (var line in lines.Skip(3))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] != "done"
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var stop))
                return null;
            if (start < end || stop <= start || stop > size || stop > fileLength) return null;
            done.Add(new ByteSpan(start, stop));
            end = stop;
        }
        return new SegmentRecord(digest, size, done);
    }

    public string Format()
    {
        var text = new StringBuilder().Append(Header).Append('\n')
            .Append("digest ").Append(Digest.ToString()).Append('\n')
            .Append("size ").Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var span in ByteSpan.Merge(Done).Take(MaxRanges))
            text.Append("done ").Append(span.Start.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(span.End.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    /// <summary>Writes the record beside the partial file (temporary name, then rename).</summary>
    public void Save(string partialPath)
    {
        var path = PathFor(partialPath);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temp, Format(), Encoding.UTF8);
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException e) when (DiskErrors.IsDiskFull(e))
        {
            throw DiskErrors.Full(Path.GetDirectoryName(path)!, 4096, e);
        }
        finally
        {
            try { if (File.Exists(temp)) File.Delete(temp); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    public static void Delete(string partialPath)
    {
        try { File.Delete(PathFor(partialPath)); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
