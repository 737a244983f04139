using System.Net;
using System.Net.Http.Headers;

namespace McrExport.Http;

/// <summary>Exponential backoff with jitter, bounded by a number of retries; honours <c>Retry-After</c>.</summary>
public sealed record RetryPolicy(int MaxRetries = 5, TimeSpan? BaseDelay = null, TimeSpan? MaxDelay = null)
{
    public TimeSpan Base => BaseDelay ?? TimeSpan.FromMilliseconds(500);
    public TimeSpan Max => MaxDelay ?? TimeSpan.FromSeconds(30);

    /// <summary>The wait before retry number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayFor(int attempt, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } ra) return ra > Max ? Max : ra < TimeSpan.Zero ? TimeSpan.Zero : ra;
        var exp = Base.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(exp, Max.TotalMilliseconds);
        var jittered = capped / 2 + Random.Shared.NextDouble() * capped / 2;
        return TimeSpan.FromMilliseconds(jittered);
    }

    /// <summary>Where retries are announced; the same listeners for every copy of this policy.</summary>
    public RetryNotices Notices { get; init; } = new();

    /// <summary>The wait before retry <paramref name="attempt"/> of <paramref name="what"/>, announced to <see cref="Notices"/>.</summary>
    public TimeSpan DelayFor(int attempt, TimeSpan? retryAfter, string what, string reason)
    {
        var delay = DelayFor(attempt, retryAfter);
        Notices.Announce(new RetryNotice(what, reason, attempt, MaxRetries, delay));
        return delay;
    }

    /// <summary>True for status codes worth another try: 408, 429, 5xx.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The server's <c>Retry-After</c>, as a delay.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return null;
    }
}
