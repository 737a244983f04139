using System.Runtime.InteropServices;
using McrExport.Errors;
using Microsoft.Win32.SafeHandles;

namespace McrExport.Content;

/// <summary>
/// Opens files that come from outside (archives, layout folders, the cache) so that only a regular file is ever
/// read: never a FIFO (whose open or read blocks for good), a device or a socket, and never through a symbolic link.
/// On Linux the path is looked at without following links (<c>statx</c>, <c>AT_SYMLINK_NOFOLLOW</c>), opened with
/// <c>O_NOFOLLOW | O_NONBLOCK</c> (so even a FIFO swapped in at the last moment does not block), and the open handle
/// is checked again (<c>fstat</c>): it must be a regular file and the same inode that was looked at, so a swap between
/// the check and the open cannot redirect the read. Elsewhere, the checks .NET offers are made before the open.
/// </summary>
public static partial class SafeFile
{
    private const int BufferSize = 1 << 20;

    /// <summary>Opens <paramref name="path"/> for sequential reading; a file that is not regular is an <see cref="UnsafeFileException"/>.</summary>
    public static FileStream OpenRead(string path, int bufferSize = BufferSize, FileOptions options = FileOptions.SequentialScan) =>
        OpenRead(path, out _, bufferSize, options);

    /// <summary>Like <see cref="OpenRead(string,int,FileOptions)"/>, and tells the identity of the handle opened.</summary>
    public static FileStream OpenRead(string path, out FileIdentity? identity, int bufferSize = BufferSize, FileOptions options = FileOptions.SequentialScan)
    {
        var handle = OpenHandle(path, out identity, options);
        try
        {
            return new FileStream(handle, FileAccess.Read, bufferSize, (options & FileOptions.Asynchronous) != 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Opens a handle on a regular file (see the class); its identity is given when the platform tells it.</summary>
    public static SafeFileHandle OpenHandle(string path, out FileIdentity? identity, FileOptions options = FileOptions.None)
    {
        if (!OperatingSystem.IsLinux()) return OpenPortable(path, out identity, options);
        var before = Native.StatPath(path);
        if (before is null) return OpenPortable(path, out identity, options);
        if (before.Kind != FileKind.Regular) throw new UnsafeFileException(path, before.Kind);
        var fd = Native.Open(path, Native.OpenFlags);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                Native.ELOOP => new UnsafeFileException(path, FileKind.SymbolicLink),
                Native.ENXIO => new UnsafeFileException(path, FileKind.Socket),
                Native.ENOENT or Native.ENOTDIR => new FileNotFoundException($"'{path}' does not exist", path),
                Native.EACCES or Native.EPERM => new UnauthorizedAccessException($"'{path}': permission denied"),
                _ => new IOException($"cannot open '{path}' (errno {errno})"),
            };
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var opened = Native.StatHandle(handle) ?? throw new IOException($"cannot inspect '{path}' once opened");
            if (opened.Kind != FileKind.Regular) throw new UnsafeFileException(path, opened.Kind);
            if (opened.Device != before.Device || opened.Inode != before.Inode)
                throw new UnsafeFileException(path, "was replaced by another file while it was being opened");
            identity = opened;
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The identity of what <paramref name="path"/> names, not following a final link; null when unknown or absent.</summary>
    public static FileIdentity? Identify(string path) => OperatingSystem.IsLinux() ? Native.StatPath(path) : null;

    /// <summary>The identity of an open handle; null where the platform does not tell it.</summary>
    public static FileIdentity? Identify(SafeFileHandle handle) => OperatingSystem.IsLinux() ? Native.StatHandle(handle) : null;

    /// <summary>The kind of what <paramref name="path"/> names, not following a final link (null when it does not exist).</summary>
    public static FileKind? KindOf(string path)
    {
        if (Identify(path) is { } identity) return identity.Kind;
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return FileKind.SymbolicLink;
        if (info.Exists) return FileKind.Regular;
        return Directory.Exists(path) ? FileKind.Directory : null;
    }

    private static SafeFileHandle OpenPortable(string path, out FileIdentity? identity, FileOptions options)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) throw new UnsafeFileException(path, FileKind.SymbolicLink);
        if (!info.Exists && Directory.Exists(path)) throw new UnsafeFileException(path, FileKind.Directory);
        identity = null;
        return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, options);
    }

    /// <summary>Linux system calls through libc (statx has one layout on every architecture).</summary>
    private static partial class Native
    {
        public const int ENOENT = 2, ENXIO = 6, EACCES = 13, EPERM = 1, ENOTDIR = 20, ELOOP = 40;
        private const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;
        private const uint STATX_BASIC_STATS = 0x7ff;
        private const int O_RDONLY = 0, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;

        /// <summary>O_NOFOLLOW is 0400000 on x86 and 0100000 on ARM.</summary>
        public static int OpenFlags => O_RDONLY | O_NONBLOCK | O_CLOEXEC
            | (RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000);

        private static int _missing;

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int OpenNative(string path, int flags);

        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int StatxPath(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        private static partial int StatxHandle(SafeFileHandle dirfd, string path, int flags, uint mask, Span<byte> buffer);

        public static int Open(string path, int flags) => OpenNative(path, flags);

        public static FileIdentity? StatPath(string path)
        {
            if (Volatile.Read(ref _missing) != 0) return null;
            Span<byte> buffer = stackalloc byte[256];
            try
            {
                if (StatxPath(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buffer) != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is ENOENT or ENOTDIR) throw new FileNotFoundException($"'{path}' does not exist", path);
                    if (errno is EACCES or EPERM) throw new UnauthorizedAccessException($"'{path}': permission denied");
                    return null;
                }
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                Volatile.Write(ref _missing, 1);
                return null;
            }
            return Decode(buffer);
        }

        public static FileIdentity? StatHandle(SafeFileHandle handle)
        {
            if (Volatile.Read(ref _missing) != 0) return null;
            Span<byte> buffer = stackalloc byte[256];
            try
            {
                if (StatxHandle(handle, "", AT_EMPTY_PATH, STATX_BASIC_STATS, buffer) != 0) return null;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                Volatile.Write(ref _missing, 1);
                return null;
            }
            return Decode(buffer);
        }

        private static FileIdentity Decode(ReadOnlySpan<byte> b)
        {
            var mode = BitConverter.ToUInt16(b[28..]);
            var kind = (mode & 0xf000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0xa000 => FileKind.SymbolicLink,
                0x1000 => FileKind.Fifo,
                0x2000 => FileKind.CharacterDevice,
                0x6000 => FileKind.BlockDevice,
                0xc000 => FileKind.Socket,
                _ => FileKind.Unknown,
            };
            var device = ((ulong)BitConverter.ToUInt32(b[136..]) << 32) | BitConverter.ToUInt32(b[140..]);
            return new FileIdentity(kind, device, BitConverter.ToUInt64(b[32..]), BitConverter.ToInt64(b[40..]), Time(b, 96), Time(b, 112), mode,
                BitConverter.ToUInt32(b[16..]));
        }

        private static long Time(ReadOnlySpan<byte> b, int offset) =>
            BitConverter.ToInt64(b[offset..]) * 1_000_000_000L + BitConverter.ToUInt32(b[(offset + 8)..]);


    }
}

/// <summary>A file from outside is not a regular file (a FIFO, device, socket, folder or link), or changed while opened.</summary>
public sealed class UnsafeFileException : IntegrityException
{
    public UnsafeFileException(string path, FileKind kind)
        : base($"{path}: is {Describe(kind)}, not a regular file; only regular files are read") => Kind = kind;

    public UnsafeFileException(string path, string what) : base($"{path}: {what}") => Kind = FileKind.Unknown;

    public FileKind Kind { get; }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a FIFO",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a symbolic link",
        _ => "an unknown kind of file",
    };
}
