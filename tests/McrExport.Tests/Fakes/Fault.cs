namespace McrExport.Tests.Fakes;

/// <summary>Something going wrong with one answer. Build them with the static factories.</summary>
public abstract record Fault
{
    /// <summary>Sends the headers and the first <paramref name="bytes"/> body bytes, then aborts the connection.</summary>
    public static Fault DropAfter(long bytes) => new DropAfterFault(bytes);

    /// <summary>Answers with <paramref name="status"/> and a registry error body instead of the content.</summary>
    public static Fault Status(int status, string code = "UNAVAILABLE", int? retryAfterSeconds = null) =>
        new StatusFault(status, code, retryAfterSeconds);

    /// <summary>503 Service Unavailable.</summary>
    public static Fault ServiceUnavailable() => new StatusFault(503, "UNAVAILABLE", null);

    /// <summary>429 with <c>Retry-After</c> and a <c>TOOMANYREQUESTS</c> error.</summary>
    public static Fault TooManyRequests(int retryAfterSeconds = 1) => new StatusFault(429, "TOOMANYREQUESTS", retryAfterSeconds);

    /// <summary>Sends <paramref name="bytes"/> body bytes, then sends nothing for <paramref name="duration"/>, then the rest.</summary>
    public static Fault Stall(long bytes, TimeSpan duration) => new StallFault(bytes, duration);

    /// <summary>Flips one byte of the blob at <paramref name="offset"/> (from the start of the blob; default: the middle).</summary>
    public static Fault Corrupt(long? offset = null) => new CorruptFault(offset);

    /// <summary>
    /// Serves a body <paramref name="delta"/> bytes longer (positive: extra bytes appended) or shorter (negative:
    /// the end cut off) than the blob, with a matching <c>Content-Length</c>.
    /// </summary>
    public static Fault WrongLength(int delta) => new WrongLengthFault(delta);
}

public sealed record DropAfterFault(long Bytes) : Fault;

public sealed record StatusFault(int StatusCode, string Code, int? RetryAfterSeconds) : Fault;

public sealed record StallFault(long Bytes, TimeSpan Duration) : Fault;

public sealed record CorruptFault(long? Offset) : Fault;

public sealed record WrongLengthFault(int Delta) : Fault;
