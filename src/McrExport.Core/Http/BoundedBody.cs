using McrExport.Errors;

namespace McrExport.Http;

/// <summary>
/// Reads a small body (manifest, config, token, tag page, error) into memory, bounded by size and by time: the body
/// must arrive within the stall timeout, plus one more stall timeout for every MiB received, so a server that trickles
/// one byte every few seconds fails instead of holding the run.
/// </summary>
public static class BoundedBody
{
    private const int Mebibyte = 1 << 20;

    /// <param name="limit">the most bytes accepted.</param>
    /// <param name="truncate">keep the first <paramref name="limit"/> bytes instead of failing (error bodies).</param>
    /// <param name="tooLarge">the exception for a body over the limit; an invalid-manifest error when null.</param>
    public static async Task<byte[]> ReadAsync(HttpResponseMessage response, int limit, TimeSpan stall, string what,
        CancellationToken cancellationToken, bool truncate = false, Func<string, McrExportException>? tooLarge = null)
    {
        tooLarge ??= message => new InvalidManifestException(message);
        if (!truncate && response.Content.Headers.ContentLength is { } declared && declared > limit)
            throw tooLarge($"{what} is {declared} bytes, more than the limit of {limit}");
        var uri = response.RequestMessage?.RequestUri ?? new Uri("http://unknown/");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = DateTime.UtcNow;
        deadline.CancelAfter(stall);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            var initial = response.Content.Headers.ContentLength is { } length && length <= limit ? (int)length : 16 * 1024;
            using var buffer = new MemoryStream(initial);
            var chunk = new byte[Math.Min(64 * 1024, Math.Max(limit, 1))];
            var allowance = 1;
            int read;
            while ((read = await stream.ReadAsync(chunk, deadline.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    if (truncate) { buffer.Write(chunk, 0, (int)(limit - buffer.Length)); break; }
                    throw tooLarge($"{what} is more than the limit of {limit} bytes");
                }
                buffer.Write(chunk, 0, read);
                var earned = 1 + (int)(buffer.Length / Mebibyte);
                if (earned > allowance)
                {
                    allowance = earned;
                    var left = started + stall * allowance - DateTime.UtcNow;
                    deadline.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
                }
            }
            return buffer.ToArray();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientNetworkException(uri,
                $"{what} from {uri.Authority} did not arrive within {stall.TotalSeconds:0.#} s (the server sends too slowly)");
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientNetworkException(uri, $"reading {what} from {uri.Authority} failed: {e.Message}", e);
        }
    }
}
