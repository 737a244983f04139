using System.Security.Cryptography;
using System.Text;
using McrExport.Errors;

namespace McrExport.Output.Split;

/// <summary>
/// A write-only stream that cuts what is written into parts of at most <c>partSize</c> bytes: <c>NAME.001</c>,
/// <c>NAME.002</c>, … Each part is written under a temporary name beside the target (<c>.NAME.001.&lt;random&gt;.partial</c>)
/// and hashed as it is written, together with the whole stream. <see cref="CommitAsync"/> renames every part into
/// place and then writes <c>NAME.sha256</c> in <c>sha256sum</c> format (<c>&lt;hex&gt;  &lt;file&gt;</c>, one line per
/// part, then one for the joined stream <c>NAME</c>). The parts are plain byte ranges of the one stream, so
/// <c>cat NAME.0* &gt; NAME</c> (or <c>copy /b NAME.001+NAME.002 NAME</c>) gives it back. Disposing without a commit
/// deletes every temporary part: nothing half-written is left at the output path.
/// </summary>
public sealed class SplitOutput : Stream
{
    private readonly string _target;
    private readonly long _partSize;
    private readonly int _maxParts;
    private readonly string _random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    private readonly List<(string Temp, string Hash, long Size)> _done = [];
    private readonly IncrementalHash _whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private IncrementalHash? _partHash;
    private FileStream? _part;
    private string? _partTemp;
    private long _partLength;
    private long _length;
    private bool _committed;

    /// <param name="target">the joined stream's path; the parts are named after it.</param>
    public SplitOutput(string target, long partSize, int maxParts = SplitSize.MaxParts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partSize, 1);
        _target = Path.GetFullPath(target);
        _partSize = partSize;
        _maxParts = maxParts;
    }

    /// <summary><c>NAME.001</c>, <c>NAME.002</c>, …</summary>
    public static string PartPath(string target, int number) => $"{target}.{number:000}";

    /// <summary><c>NAME.sha256</c>.</summary>
    public static string ChecksumPath(string target) => target + ".sha256";

    /// <summary>The part files once committed, in order.</summary>
    public IReadOnlyList<string> PartPaths => _committed ? Enumerable.Range(1, _done.Count).Select(n => PartPath(_target, n)).ToList() : [];

    /// <summary>The sha256 of everything written (available after <see cref="CommitAsync"/>).</summary>
    public string? WholeSha256 { get; private set; }

    /// <summary>Every temporary part file written so far (for disk-full messages).</summary>
    public long BytesOnDisk => _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_committed;
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var part = CurrentPart();
            var take = (int)Math.Min(buffer.Length, _partSize - _partLength);
            var slice = buffer[..take];
            part.Write(slice);
            Hash(slice);
            buffer = buffer[take..];
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var part = CurrentPart();
            var take = (int)Math.Min(buffer.Length, _partSize - _partLength);
            var slice = buffer[..take];
            await part.WriteAsync(slice, cancellationToken).ConfigureAwait(false);
            Hash(slice.Span);
            buffer = buffer[take..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => _part?.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _part?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>
    /// Closes the last part, renames every part into place, writes <c>NAME.sha256</c> (by rename too) and removes
    /// parts of an earlier, longer split of the same name.
    /// </summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_committed) throw new InvalidOperationException("the split output is already committed");
        if (_part is null && _done.Count == 0) CurrentPart();
        await ClosePartAsync(cancellationToken).ConfigureAwait(false);
        WholeSha256 = Convert.ToHexStringLower(_whole.GetHashAndReset());

        var sums = new StringBuilder();
        for (var i = 0; i < _done.Count; i++) sums.Append(_done[i].Hash).Append("  ").Append(Path.GetFileName(PartPath(_target, i + 1))).Append('\n');
        sums.Append(WholeSha256).Append("  ").Append(Path.GetFileName(_target)).Append('\n');
        var sumsTemp = AtomicOutput.TempPathBeside(ChecksumPath(_target));
        await File.WriteAllTextAsync(sumsTemp, sums.ToString(), new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        try
        {
            for (var i = 0; i < _done.Count; i++) File.Move(_done[i].Temp, PartPath(_target, i + 1), overwrite: true);
            File.Move(sumsTemp, ChecksumPath(_target), overwrite: true);
        }
        finally
        {
            TryDelete(sumsTemp);
        }
        _committed = true;
        for (var n = _done.Count + 1; n <= 9999 && File.Exists(PartPath(_target, n)); n++) TryDelete(PartPath(_target, n));
    }

    private FileStream CurrentPart()
    {
        if (_committed) throw new InvalidOperationException("the split output is already committed");
        if (_part is not null && _partLength < _partSize) return _part;
        if (_part is not null) ClosePart();
        var number = _done.Count + 1;
        if (number > _maxParts)
            throw new UsageException($"the output needs more than {_maxParts} parts of {Content.DiskErrors.FormatSize(_partSize)}")
            {
                Hint = "give --split a larger size",
            };
        _partTemp = AtomicOutput.TempPathBeside(PartPath(_target, number), _random + ".partial");
        _part = new FileStream(_partTemp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        _partHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _partLength = 0;
        return _part;
    }

    private void Hash(ReadOnlySpan<byte> bytes)
    {
        _partHash!.AppendData(bytes);
        _whole.AppendData(bytes);
        _partLength += bytes.Length;
        _length += bytes.Length;
    }

    private async Task ClosePartAsync(CancellationToken cancellationToken)
    {
        if (_part is null) return;
        await _part.FlushAsync(cancellationToken).ConfigureAwait(false);
        ClosePart();
    }

    private void ClosePart()
    {
        if (_part is null) return;
        _part.Dispose();
        _done.Add((_partTemp!, Convert.ToHexStringLower(_partHash!.GetHashAndReset()), _partLength));
        _partHash.Dispose();
        _part = null;
        _partHash = null;
        _partTemp = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _part?.Dispose();
            _partHash?.Dispose();
            _whole.Dispose();
            if (!_committed)
            {
                if (_partTemp is not null) TryDelete(_partTemp);
                foreach (var (temp, _, _) in _done) TryDelete(temp);
            }
            _part = null;
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_part is not null) await _part.DisposeAsync().ConfigureAwait(false);
        _part = null;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
