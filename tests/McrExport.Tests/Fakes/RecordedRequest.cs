namespace McrExport.Tests.Fakes;

/// <summary>One request a <see cref="FakeHost"/> answered, with what it sent back.</summary>
public sealed record RecordedRequest(
    string Method,
    string PathAndQuery,
    string Host,
    IReadOnlyDictionary<string, string> Headers,
    int Status,
    long BodyBytesServed)
{
    /// <summary>When the request arrived.</summary>
    public DateTimeOffset Received { get; init; }

    public string Path => PathAndQuery.Split('?', 2)[0];

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? Authorization => Header("Authorization");

    public string? Range => Header("Range");

    public string? Accept => Header("Accept");
}
