namespace McrExport.Transfer;

/// <summary>
/// What a segmented download holds so far: the spans done before it started plus how far each piece is written.
/// Tracks the contiguous prefix from byte 0 (what may be hashed) and wakes whoever waits for it to grow.
/// Thread-safe.
/// </summary>
internal sealed class SegmentProgress
{
    private readonly Lock _lock = new();
    private readonly IReadOnlyList<ByteSpan> _before;
    private readonly IReadOnlyList<ByteSpan> _pieces;
    private readonly long[] _written;
    private long _prefix;
    private long _version;
    private TaskCompletionSource _grown = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SegmentProgress(IReadOnlyList<ByteSpan> before, IReadOnlyList<ByteSpan> pieces)
    {
        _before = before;
        _pieces = pieces;
        _written = new long[pieces.Count];
        _prefix = ByteSpan.Prefix(before);
        Advance();
    }

    public IReadOnlyList<ByteSpan> Pieces => _pieces;

    /// <summary>Changes so far (to tell whether the record needs writing again).</summary>
    public long Version
    {
        get { lock (_lock) return _version; }
    }

    /// <summary>Bytes of piece <paramref name="index"/> written so far.</summary>
    public long WrittenOf(int index)
    {
        lock (_lock) return _written[index];
    }

    /// <summary>Records that piece <paramref name="index"/> now holds <paramref name="written"/> bytes from its start.</summary>
    public void Wrote(int index, long written)
    {
        TaskCompletionSource? wake = null;
        lock (_lock)
        {
            _written[index] = written;
            _version++;
            var before = _prefix;
            Advance();
            if (_prefix > before)
            {
                wake = _grown;
                _grown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        wake?.TrySetResult();
    }

    /// <summary>Waits until the contiguous prefix reaches beyond <paramref name="offset"/>; returns it.</summary>
    public async Task<long> WaitBeyondAsync(long offset, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task grown;
            lock (_lock)
            {
                if (_prefix > offset) return _prefix;
                grown = _grown.Task;
            }
            await grown.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every span that holds bytes now, merged.</summary>
    public IReadOnlyList<ByteSpan> Done()
    {
        lock (_lock)
            return ByteSpan.Merge(_before.Concat(_pieces.Select((p, i) => new ByteSpan(p.Start, p.Start + _written[i]))));
    }

    private void Advance()
    {
        for (var moved = true; moved;)
        {
            moved = false;
            foreach (var span in _before)
                if (span.Start <= _prefix && span.End > _prefix) { _prefix = span.End; moved = true; }
            for (var i = 0; i < _pieces.Count; i++)
            {
                var end = _pieces[i].Start + _written[i];
                if (_pieces[i].Start <= _prefix && end > _prefix) { _prefix = end; moved = true; }
            }
        }
    }
}
