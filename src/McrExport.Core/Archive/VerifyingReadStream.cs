using System.Security.Cryptography;
using McrExport.Errors;
using McrExport.Model;

namespace McrExport.Archive;

/// <summary>
/// A blob of an archive as it is read: hashed on the way, and at its end compared with the digest it is known by,
/// so a flipped byte or a truncated file never leaves the archive under the wrong name. A stream that was skipped
/// or seeked into (a resumed upload chunk, which the registry checks by digest) is passed on unchecked.
/// </summary>
public sealed class VerifyingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly Digest _expected;
    private readonly string _where;
    private readonly IncrementalHash _hash;
    private bool _skipped;
    private bool _checked;

    public VerifyingReadStream(Stream inner, Digest expected, string where)
    {
        _inner = inner;
        _expected = expected;
        _where = where;
        _hash = expected.CreateHasher();
    }

    public override bool CanRead => true;
    public override bool CanSeek => _inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Account(buffer[..read], buffer.Length);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..read], buffer.Length);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Skips forward without reading (the bytes skipped are not checked, nor is the rest).</summary>
    public void Skip(long count)
    {
        if (count == 0) return;
        _skipped = true;
        if (_inner is BoundedStream bounded) bounded.Skip(count);
        else _inner.Seek(count, SeekOrigin.Current);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var position = _inner.Seek(offset, origin);
        if (position != 0) _skipped = true;
        return position;
    }

    private void Account(ReadOnlySpan<byte> read, int asked)
    {
        if (_skipped || _checked) return;
        _hash.AppendData(read);
        if (read.Length > 0 || asked == 0) return;
        _checked = true;
        var actual = Digest.FromHash(_expected.Algorithm, _hash.GetHashAndReset());
        if (actual != _expected) throw new DigestMismatchException($"{_where}: the content hashes to {actual}, not to {_expected}");
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
