namespace McrExport.Http;

/// <summary>One retry about to happen: what is retried, why, which attempt of how many, and the wait before it.</summary>
public sealed record RetryNotice(string What, string Reason, int Attempt, int MaxRetries, TimeSpan Delay);

/// <summary>
/// Where the retries of a <see cref="RetryPolicy"/> are announced (for progress output). Shared by every copy of the
/// policy; listeners are called on the retrying thread, several at once.
/// </summary>
public sealed class RetryNotices
{
    public event Action<RetryNotice>? Retrying;

    public void Announce(RetryNotice notice) => Retrying?.Invoke(notice);
}
