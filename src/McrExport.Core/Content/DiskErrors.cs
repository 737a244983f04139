using McrExport.Errors;

namespace McrExport.Content;

/// <summary>Recognises "no space left" across platforms and turns it into a <see cref="DiskException"/>.</summary>
public static class DiskErrors
{
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;

    public static bool IsDiskFull(Exception e) =>
        e is IOException io && (io.HResult is WindowsDiskFull or WindowsHandleDiskFull || (io.HResult & 0xFFFF) is ENOSPC or EDQUOT
            || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase));

    public static DiskException Full(string where, long needed, Exception inner) =>
        new($"no space left on the disk holding {where} ({FormatSize(needed)} more were needed)", inner)
        {
            Hint = "free some space, or point --output / --cache-dir at a larger disk",
        };

    public static string FormatSize(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1) { value /= 1024; unit++; }
        return unit == 0 ? $"{bytes} B" : $"{value:0.0} {units[unit]}";
    }
}
