using McrExport.Http;

namespace McrExport.Transfer;

/// <summary>How blobs are fetched: parallelism, stall detection and retries.</summary>
public sealed record TransferOptions(int Parallelism = 4, TimeSpan? StallTimeout = null, RetryPolicy? Retry = null)
{
    public TimeSpan Stall => StallTimeout ?? TimeSpan.FromSeconds(30);
    public RetryPolicy RetryPolicy => Retry ?? new RetryPolicy();
}
