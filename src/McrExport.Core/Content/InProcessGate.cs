using System.Collections.Concurrent;

namespace McrExport.Content;

/// <summary>
/// One semaphore per lock file path for this process, so tasks of one process never race each other for a file
/// lock (file locks are meant to keep other processes out).
/// </summary>
internal static class InProcessGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public static SemaphoreSlim For(string lockPath) => Gates.GetOrAdd(lockPath, _ => new SemaphoreSlim(1, 1));
}
