using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>
/// Queues of faults keyed by content digest or by request path, each consumed in order, one per matching request.
/// Path keys apply to any request with that exact path; digest keys apply where that content's bytes are served.
/// </summary>
public sealed class FaultPlan
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<Fault>> _queues = new(StringComparer.Ordinal);

    /// <summary>Queues <paramref name="fault"/> <paramref name="times"/> times for the content with <paramref name="digest"/>.</summary>
    public FaultPlan Enqueue(Digest digest, Fault fault, int times = 1) => Add(digest.ToString(), fault, times);

    /// <summary>Queues <paramref name="fault"/> <paramref name="times"/> times for requests to <paramref name="path"/> (starts with '/').</summary>
    public FaultPlan Enqueue(string path, Fault fault, int times = 1)
    {
        if (!path.StartsWith('/')) throw new ArgumentException("a path key starts with '/'", nameof(path));
        return Add(path, fault, times);
    }

    /// <summary>Faults not consumed yet, across all keys.</summary>
    public int Pending
    {
        get { lock (_lock) return _queues.Values.Sum(q => q.Count); }
    }

    public void Clear()
    {
        lock (_lock) _queues.Clear();
    }

    /// <summary>Takes the next fault for the path, else for the digest.</summary>
    public Fault? TakeNext(string? path, Digest? digest)
    {
        lock (_lock)
        {
            if (path is not null && TryDequeue(path, out var byPath)) return byPath;
            if (digest is { } d && TryDequeue(d.ToString(), out var byDigest)) return byDigest;
            return null;
        }
    }

    private bool TryDequeue(string key, out Fault? fault)
    {
        fault = null;
        return _queues.TryGetValue(key, out var queue) && queue.TryDequeue(out fault);
    }

    private FaultPlan Add(string key, Fault fault, int times)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_lock)
        {
            if (!_queues.TryGetValue(key, out var queue)) _queues[key] = queue = new Queue<Fault>();
            for (var i = 0; i < times; i++) queue.Enqueue(fault);
        }
        return this;
    }
}
