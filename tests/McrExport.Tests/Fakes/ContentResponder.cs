using McrExport.Model;
using Microsoft.AspNetCore.Http;

namespace McrExport.Tests.Fakes;

/// <summary>Serves stored bytes: headers, Range (206/416), HEAD, counting and the body faults.</summary>
public static class ContentResponder
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// How long a dropped answer waits before the abort, so the bytes already sent reach the client instead of dying
    /// in socket buffers with the reset: the client then really holds the bytes counted as served.
    /// </summary>
    private static readonly TimeSpan DropDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>What to serve and how.</summary>
    public sealed record Content(byte[] Bytes, Digest Digest, string ContentType)
    {
        public bool HonorRange { get; init; } = true;
        public string? DigestHeader { get; init; }
        public RegistryErrorStyle ErrorStyle { get; init; } = RegistryErrorStyle.Json;
    }

    public static async Task ServeAsync(HttpContext context, Content content, Fault? fault, TrafficCounters traffic, CancellationToken stopping)
    {
        var response = context.Response;
        if (fault is StatusFault status)
        {
            if (status.RetryAfterSeconds is { } seconds) response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await RegistryErrors.WriteAsync(context, status.StatusCode, status.Code, $"injected {status.StatusCode}", content.ErrorStyle);
            return;
        }

        var body = content.Bytes;
        if (fault is CorruptFault corrupt && body.Length > 0)
        {
            body = (byte[])body.Clone();
            var at = (int)Math.Clamp(corrupt.Offset ?? body.Length / 2, 0, body.Length - 1);
            body[at] ^= 0xFF;
        }
        else if (fault is WrongLengthFault wrong)
        {
            var length = Math.Max(0, body.Length + wrong.Delta);
            var resized = new byte[length];
            Array.Copy(body, resized, Math.Min(length, body.Length));
            for (var i = body.Length; i < length; i++) resized[i] = (byte)(i * 31 + 7);
            body = resized;
        }

        response.ContentType = content.ContentType;
        response.Headers.AcceptRanges = "bytes";
        if (content.DigestHeader is not null) response.Headers["Docker-Content-Digest"] = content.DigestHeader;

        long start = 0, count = body.Length;
        if (content.HonorRange)
        {
            var range = ByteRange.Parse(context.Request.Headers.Range.ToString(), body.Length, out var satisfiable);
            if (!satisfiable)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{body.Length}";
                response.ContentLength = 0;
                return;
            }
            if (range is { } r)
            {
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.Headers.ContentRange = $"bytes {r.Start}-{r.End}/{body.Length}";
                start = r.Start;
                count = r.Length;
            }
        }
        response.ContentLength = count;
        if (HttpMethods.IsHead(context.Request.Method)) return;

        traffic.AddResponse(content.Digest);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = linked.Token;
        await response.StartAsync(token);

        var limit = count;
        if (fault is DropAfterFault drop) limit = Math.Min(count, Math.Max(0, drop.Bytes));
        var stallAt = fault is StallFault stall ? Math.Min(count, Math.Max(0, stall.Bytes)) : -1;

        var sent = 0L;
        if (stallAt >= 0)
        {
            sent = await WriteAsync(context, body, start, stallAt, content.Digest, traffic, token);
            await response.Body.FlushAsync(token);
            await Task.Delay(((StallFault)fault!).Duration, token);
        }
        sent += await WriteAsync(context, body, start + sent, limit - sent, content.Digest, traffic, token);
        if (fault is DropAfterFault)
        {
            await response.Body.FlushAsync(token);
            await Task.Delay(DropDelay, token);
            context.Abort();
        }
    }

    private static async Task<long> WriteAsync(HttpContext context, byte[] body, long offset, long count, Digest digest,
        TrafficCounters traffic, CancellationToken token)
    {
        var written = 0L;
        while (written < count)
        {
            var n = (int)Math.Min(ChunkSize, count - written);
            await context.Response.Body.WriteAsync(body.AsMemory((int)(offset + written), n), token);
            written += n;
            traffic.AddBytes(digest, n);
        }
        return written;
    }
}
