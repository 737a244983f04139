using System.Runtime.ExceptionServices;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// The hand-off from the transfer to a one-pass tar writer. Blobs that became verified in the blob store (downloaded
/// and checked, or found in the cache), in the order that happened; and for each download under way, how much of its
/// partial file is final and hashed in order (its growing prefix), so the writer can stream that one into the tar
/// while it arrives. A prefix holds until the download restarts (a new <see cref="Growth.Generation"/>): whatever was
/// taken from an older generation must be taken back. Completed when the transfer ends, with its exception when it
/// failed. Thread-safe.
/// </summary>
public sealed class BlobArrivals
{
    private readonly Lock _lock = new();
    private readonly Queue<Digest> _arrived = new();
    private readonly HashSet<Digest> _verified = [];
    private readonly Dictionary<Digest, Growth> _growing = [];
    private TaskCompletionSource _changed = NewSignal();
    private bool _completed;
    private ExceptionDispatchInfo? _error;

    /// <summary>How far a download under way is: bytes [0, <see cref="Prefix"/>) of <see cref="PartialPath"/> are final.</summary>
    public sealed record Growth(string PartialPath, long Prefix, int Generation);

    /// <summary>A blob of this digest is now verified in the store.</summary>
    public void Arrived(Digest digest) => Change(() =>
    {
        if (!_verified.Add(digest)) return false;
        _arrived.Enqueue(digest);
        return true;
    });

    /// <summary>Bytes [0, <paramref name="prefix"/>) of the partial file of <paramref name="digest"/> are written and hashed.</summary>
    public void Hashed(Digest digest, string partialPath, long prefix) => Change(() =>
    {
        if (_verified.Contains(digest)) return false;
        if (_growing.TryGetValue(digest, out var growth))
        {
            if (growth.PartialPath == partialPath && growth.Prefix >= prefix) return false;
            _growing[digest] = growth with { PartialPath = partialPath, Prefix = prefix };
        }
        else _growing[digest] = new Growth(partialPath, prefix, 0);
        return true;
    });

    /// <summary>The partial bytes of <paramref name="digest"/> were thrown away or cut short: earlier prefixes no longer hold.</summary>
    public void Restarted(Digest digest) => Change(() =>
    {
        if (_verified.Contains(digest) || !_growing.TryGetValue(digest, out var growth)) return false;
        _growing[digest] = growth with { Prefix = 0, Generation = growth.Generation + 1 };
        return true;
    });

    /// <summary>No more blobs will arrive; <paramref name="error"/> is why, when the transfer failed.</summary>
    public void Complete(Exception? error = null) => Change(() =>
    {
        if (_completed) return false;
        _completed = true;
        if (error is not null) _error = ExceptionDispatchInfo.Capture(error);
        return true;
    });

    /// <summary>Completes whenever anything changes after this was read; read it before looking at the state.</summary>
    public Task Changed
    {
        get { lock (_lock) return _changed.Task; }
    }

    /// <summary>The next verified blob not yet taken, in arrival order.</summary>
    public bool TryTakeArrived(out Digest digest)
    {
        lock (_lock) return _arrived.TryDequeue(out digest!);
    }

    /// <summary>Whether the blob is verified in the store (taken or not).</summary>
    public bool IsVerified(Digest digest)
    {
        lock (_lock) return _verified.Contains(digest);
    }

    /// <summary>The download of <paramref name="digest"/> under way (or the last state of one now verified), or null.</summary>
    public Growth? GrowthOf(Digest digest)
    {
        lock (_lock) return _growing.GetValueOrDefault(digest);
    }

    /// <summary>The generation the download of a verified blob ended in; -1 when it was not downloaded in this run.</summary>
    public int GenerationAtVerification(Digest digest)
    {
        lock (_lock) return _verified.Contains(digest) && _growing.TryGetValue(digest, out var growth) ? growth.Generation : -1;
    }

    /// <summary>Whether the transfer has ended; throws its exception when it failed.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_lock)
            {
                _error?.Throw();
                return _completed;
            }
        }
    }

    private void Change(Func<bool> change)
    {
        TaskCompletionSource? wake = null;
        lock (_lock)
        {
            if (!change()) return;
            wake = _changed;
            _changed = NewSignal();
        }
        wake.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
