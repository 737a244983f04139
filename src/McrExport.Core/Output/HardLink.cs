using System.Runtime.InteropServices;

namespace McrExport.Output;

/// <summary>
/// Creates hard links (.NET has no API for them): <c>link(2)</c> on Unix, <c>CreateHardLinkW</c> on Windows. Every
/// failure (another file system, no permission, no support) just returns false so the caller can copy instead. Only a
/// read-only file (no write bit, e.g. 0444) is linked, so the new name cannot be used to change the original.
/// </summary>
internal static class HardLink
{
    public static bool TryCreate(string existingFile, string newLink)
    {
        try
        {
            if (Content.SafeFile.Identify(existingFile) is { } identity && (identity.Kind != Content.FileKind.Regular || !identity.IsReadOnly)) return false;
            return OperatingSystem.IsWindows()
                ? CreateHardLinkW(newLink, existingFile, IntPtr.Zero)
                : link(existingFile, newLink) == 0;
        }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int link([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    [DllImport("kernel32.dll", EntryPoint = "CreateHardLinkW", SetLastError = true, CharSet = CharSet.Unicode)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool CreateHardLinkW(string newFileName, string existingFileName, IntPtr securityAttributes);
}
