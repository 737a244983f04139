using McrExport.Content;
using McrExport.Errors;
using McrExport.Http;
using McrExport.Registry;

namespace McrExport.Transfer;

/// <summary>Which download failures are worth another try, how to describe them, and reads bounded by the stall timeout.</summary>
internal static class TransientErrors
{
    public static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e switch
        {
            TransientNetworkException or TransientStatusException or HttpRequestException => true,
            IOException io => !DiskErrors.IsDiskFull(io) && io is not FileNotFoundException,
            _ => false,
        };

    public static (string Reason, TimeSpan? RetryAfter, Func<int, McrExportException> Final) Describe(Exception e) => e switch
    {
        TransientStatusException s => (s.Message, s.RetryAfter, _ => s.Final),
        TransientNetworkException n => (n.Message, null, n.ToFinal),
        _ => (e.Message, null, a => new NetworkException($"{e.Message} (after {a} attempts)", e)),
    };

    /// <summary>One read from a body; no data for <paramref name="stall"/> becomes a <see cref="TransientNetworkException"/>.</summary>
    public static async Task<int> ReadAsync(Stream body, Memory<byte> buffer, TimeSpan stall, HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(stall);
        try
        {
            return await body.ReadAsync(buffer, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var uri = response.RequestMessage!.RequestUri!;
            throw new TransientNetworkException(uri, $"no data from {uri.Authority} for {stall.TotalSeconds:0} s");
        }
    }
}
