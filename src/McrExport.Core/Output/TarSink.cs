using System.Buffers;
using System.Globalization;
using System.Text;
using ICSharpCode.SharpZipLib.Tar;
using McrExport.Errors;

namespace McrExport.Output;

/// <summary>
/// Writes a POSIX tar (ustar, with a pax <c>path</c> record for names longer than 100 bytes) to any stream, including
/// a non-seekable one such as standard output. Entries are deterministic: mtime 0 (the Unix epoch), uid and gid 0,
/// no user or group names, mode 0644 for files and 0755 for directories. Only regular files and directories are
/// written, never links. Every name is checked with <see cref="TarEntryName.Validate"/> and may appear once.
/// </summary>
public sealed class TarSink
{
    public const int BlockSize = 512;
    private const int CopyBufferSize = 1 << 20;
    private const int FileMode = 0b110_100_100;
    private const int DirectoryMode = 0b111_101_101;

    private readonly Stream _output;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _completed;
    private OpenEntry? _open;

    public TarSink(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite) throw new ArgumentException("the stream must be writable", nameof(output));
        _output = output;
    }

    /// <summary>The bytes written so far (headers, contents and padding).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Adds a directory entry; the name gets a trailing <c>/</c> if it has none.</summary>
    public Task AddDirectoryAsync(string name, CancellationToken cancellationToken)
    {
        var entryName = name.EndsWith('/') ? name : name + "/";
        return WriteHeaderAsync(entryName, 0, TarHeader.LF_DIR, DirectoryMode, cancellationToken);
    }

    /// <summary>Adds a regular file holding <paramref name="content"/>.</summary>
    public async Task AddFileAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await WriteHeaderAsync(name, content.Length, TarHeader.LF_NORMAL, FileMode, cancellationToken).ConfigureAwait(false);
        await WriteAsync(content, cancellationToken).ConfigureAwait(false);
        await PadAsync(content.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds a regular file of exactly <paramref name="size"/> bytes read from <paramref name="content"/>.
    /// </summary>
    /// <exception cref="DigestMismatchException">the stream holds fewer or more bytes than <paramref name="size"/>.</exception>
    public async Task AddFileAsync(string name, Stream content, long size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        await WriteHeaderAsync(name, size, TarHeader.LF_NORMAL, FileMode, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var remaining = size;
            while (remaining > 0)
            {
                var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken)
                    .ConfigureAwait(false);
                if (read == 0)
                    throw new DigestMismatchException($"'{name}' ended after {size - remaining} bytes; {size} were expected");
                await WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                remaining -= read;
            }
            if (await content.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) != 0)
                throw new DigestMismatchException($"'{name}' holds more than the {size} bytes expected");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await PadAsync(size, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether an entry being written can be taken back (<see cref="AbandonFileAsync"/>): the output is seekable.</summary>
    public bool CanRewind => _output.CanSeek;

    /// <summary>
    /// Starts a regular file of <paramref name="size"/> bytes whose content comes in pieces (<see cref="AppendAsync"/>),
    /// then <see cref="EndFileAsync"/>, or <see cref="AbandonFileAsync"/> to take the whole entry back. One at a time.
    /// </summary>
    public async Task BeginFileAsync(string name, long size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (_open is not null) throw new InvalidOperationException("an entry is already open");
        var mark = new OpenEntry(name, size, _output.CanSeek ? _output.Position : -1, BytesWritten);
        await WriteHeaderAsync(name, size, TarHeader.LF_NORMAL, FileMode, cancellationToken).ConfigureAwait(false);
        _open = mark;
    }

    /// <summary>Appends content to the open entry; never beyond its size.</summary>
    public async Task AppendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var open = _open ?? throw new InvalidOperationException("no entry is open");
        if (open.Written + bytes.Length > open.Size)
            throw new DigestMismatchException($"'{open.Name}' would hold more than the {open.Size} bytes expected");
        await WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        open.Written += bytes.Length;
    }

    /// <summary>Ends the open entry, which must hold exactly its size.</summary>
    public async Task EndFileAsync(CancellationToken cancellationToken)
    {
        var open = _open ?? throw new InvalidOperationException("no entry is open");
        if (open.Written != open.Size)
            throw new DigestMismatchException($"'{open.Name}' ended after {open.Written} bytes; {open.Size} were expected");
        await PadAsync(open.Size, cancellationToken).ConfigureAwait(false);
        _open = null;
    }

    /// <summary>Takes the open entry back: the output is cut to where its header began, and its name is free again.</summary>
    public async Task AbandonFileAsync(CancellationToken cancellationToken)
    {
        var open = _open ?? throw new InvalidOperationException("no entry is open");
        if (open.Position < 0) throw new InvalidOperationException("the output cannot be rewound");
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        _output.SetLength(open.Position);
        _output.Position = open.Position;
        BytesWritten = open.BytesBefore;
        _names.Remove(open.Name);
        _open = null;
    }

    private sealed class OpenEntry(string name, long size, long position, long bytesBefore)
    {
        public string Name { get; } = name;
        public long Size { get; } = size;
        public long Position { get; } = position;
        public long BytesBefore { get; } = bytesBefore;
        public long Written { get; set; }
    }

    /// <summary>Writes the end-of-archive marker (two zero blocks) and flushes. Nothing may be added afterwards.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        if (_open is not null) throw new InvalidOperationException($"'{_open.Name}' is still open");
        _completed = true;
        await WriteAsync(new byte[2 * BlockSize], cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteHeaderAsync(string name, long size, byte typeFlag, int mode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfCompleted();
        if (_open is not null) throw new InvalidOperationException($"'{_open.Name}' is still open");
        TarEntryName.Validate(name);
        if (!_names.Add(name)) throw new UnsafePathException(name, "the archive already has an entry of that name");

        var nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes > TarHeader.NAMELEN)
        {
            var pax = PaxRecord("path", name);
            var paxHeader = Header($"PaxHeaders/{name[^Math.Min(name.Length, 80)..].TrimStart('/')}", pax.Length, TarHeader.LF_XHDR, FileMode);
            await WriteAsync(paxHeader, cancellationToken).ConfigureAwait(false);
            await WriteAsync(pax, cancellationToken).ConfigureAwait(false);
            await PadAsync(pax.Length, cancellationToken).ConfigureAwait(false);
            name = TruncateUtf8(name, TarHeader.NAMELEN);
        }
        await WriteAsync(Header(name, size, typeFlag, mode), cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Header(string name, long size, byte typeFlag, int mode)
    {
        var header = new TarHeader
        {
            Name = name,
            Size = size,
            TypeFlag = typeFlag,
            Mode = mode,
            UserId = 0,
            GroupId = 0,
            UserName = "",
            GroupName = "",
            ModTime = DateTime.UnixEpoch,
            Magic = "ustar",
            Version = "00",
            LinkName = "",
        };
        var block = new byte[BlockSize];
        header.WriteHeader(block, Encoding.UTF8);
        return block;
    }

    /// <summary>One pax extended-header record: <c>"%d %s=%s\n"</c>, where the length counts itself.</summary>
    private static byte[] PaxRecord(string key, string value)
    {
        var body = Encoding.UTF8.GetByteCount($" {key}={value}\n");
        var length = body + 1;
        while (length.ToString(CultureInfo.InvariantCulture).Length + body > length) length++;
        return Encoding.UTF8.GetBytes($"{length.ToString(CultureInfo.InvariantCulture)} {key}={value}\n");
    }

    private static string TruncateUtf8(string name, int maxBytes)
    {
        var end = name.Length;
        while (Encoding.UTF8.GetByteCount(name.AsSpan(0, end)) > maxBytes) end--;
        return name[..end];
    }

    private Task PadAsync(long size, CancellationToken cancellationToken)
    {
        var padding = (int)((BlockSize - size % BlockSize) % BlockSize);
        return padding == 0 ? Task.CompletedTask : WriteAsync(new byte[padding], cancellationToken);
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        BytesWritten += bytes.Length;
    }

    private void ThrowIfCompleted()
    {
        if (_completed) throw new InvalidOperationException("the archive is already complete");
    }
}
