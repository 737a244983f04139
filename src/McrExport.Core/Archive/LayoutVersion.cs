using System.Text.Json;
using McrExport.Output;

namespace McrExport.Archive;

/// <summary>
/// Checks an archive's <c>oci-layout</c> file: a JSON object whose <c>imageLayoutVersion</c> is 1.x (1.0.0 today;
/// https://github.com/opencontainers/image-spec/blob/main/image-layout.md#oci-layout-file). Another major version,
/// a missing field, or text that is not JSON is a problem: a reader cannot know what such a layout means.
/// </summary>
public static class LayoutVersion
{
    /// <summary>The problem with the archive's <c>oci-layout</c>, or null when it is fine or absent.</summary>
    public static string? Check(ImageArchive archive)
    {
        if (!archive.Contains(OciLayoutContent.LayoutFileName)) return null;
        var where = archive.Where(OciLayoutContent.LayoutFileName);
        byte[] bytes;
        try { bytes = archive.ReadSmall(OciLayoutContent.LayoutFileName); }
        catch (Errors.IntegrityException e) { return $"{where}: {e.Message}"; }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return $"{where}: is not a JSON object";
            if (!doc.RootElement.TryGetProperty("imageLayoutVersion", out var version) || version.ValueKind != JsonValueKind.String)
                return $"{where}: has no imageLayoutVersion";
            return IsSupported(version.GetString()!) ? null : $"{where}: imageLayoutVersion '{Shorten(version.GetString()!)}' is not supported (1.x is)";
        }
        catch (JsonException e)
        {
            return $"{where}: is not JSON ({e.Message})";
        }
        catch (InvalidOperationException e)
        {
            // A string that is not valid UTF-8, or a lone surrogate escape.
            return $"{where}: holds text that is not valid ({e.Message})";
        }
    }

    /// <summary>True for <c>1.MINOR.PATCH</c> (numbers, with an optional pre-release or build suffix).</summary>
    public static bool IsSupported(string version)
    {
        var core = version.Split('-', '+')[0].Split('.');
        return core.Length == 3 && core[0] == "1" && core.All(p => p.Length is > 0 and < 10 && p.All(char.IsAsciiDigit));
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
