using McrExport.Http;

namespace McrExport.Transfer;

/// <summary>How blobs are fetched: parallelism, connections per big blob, stall detection and retries.</summary>
public sealed record TransferOptions(int Parallelism = 4, TimeSpan? StallTimeout = null, RetryPolicy? Retry = null)
{
    /// <summary>The default of <see cref="Connections"/>.</summary>
    public const int DefaultConnections = 4;

    /// <summary>Connections one blob of at least <see cref="SegmentThreshold"/> bytes is fetched over (1: one stream).</summary>
    public int Connections { get; init; } = DefaultConnections;

    /// <summary>From this size on a blob is fetched in ranges over several connections.</summary>
    public long SegmentThreshold { get; init; } = 64L << 20;

    /// <summary>Connections of the whole run at most (one per blob being fetched, plus the extra ones of segments).</summary>
    public int MaxConnections { get; init; } = 16;

    public TimeSpan Stall => StallTimeout ?? TimeSpan.FromSeconds(30);
    public RetryPolicy RetryPolicy => Retry ?? new RetryPolicy();

    /// <summary>Whether a blob of <paramref name="size"/> bytes is fetched over several connections.</summary>
    public bool Segments(long size, int extraConnections) => Connections > 1 && extraConnections > 0 && size >= SegmentThreshold;
}
