using System.Collections.Concurrent;
using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>Body bytes served per content digest, summed over every host that shares this instance.</summary>
public sealed class TrafficCounters
{
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _responses = new(StringComparer.Ordinal);

    public long BytesServed(Digest digest) => _bytes.GetValueOrDefault(digest.ToString());

    /// <summary>Answers that started sending the content's bytes (200 or 206 with a body).</summary>
    public int BodyResponses(Digest digest) => _responses.GetValueOrDefault(digest.ToString());

    public long TotalBytesServed => _bytes.Values.Sum();

    internal void AddBytes(Digest digest, long bytes) => _bytes.AddOrUpdate(digest.ToString(), bytes, (_, v) => v + bytes);

    internal void AddResponse(Digest digest) => _responses.AddOrUpdate(digest.ToString(), 1, (_, v) => v + 1);
}
