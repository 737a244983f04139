using System.Runtime.ExceptionServices;
using McrExport.Output;

namespace McrExport.Transfer;

/// <summary>
/// Runs the transfer and a one-pass writer side by side: the writer appends each blob the transfer announces through
/// <see cref="BlobArrivals"/>. The transfer's failure stops the writer (it reaches it as the end of the arrivals, so
/// its output is never completed and the atomic output leaves nothing behind); the writer's failure does not stop the
/// transfer, so what it fetched is verified into the cache for the next run. The transfer's error wins over the writer's.
/// </summary>
public static class OnePass
{
    public static async Task<TransferSummary> RunAsync(BlobArrivals arrivals, Func<CancellationToken, Task<TransferSummary>> transfer,
        Func<CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task<TransferSummary> TransferAsync()
        {
            try
            {
                var summary = await transfer(both.Token).ConfigureAwait(false);
                arrivals.Complete();
                return summary;
            }
            catch (Exception e)
            {
                arrivals.Complete(e);
                await both.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        // A failing writer (a full output disk) lets the transfer finish: every blob it verifies stays in the cache.
        Task WriteAsync() => write(both.Token);

        var transferring = Task.Run(TransferAsync, CancellationToken.None);
        var writing = Task.Run(WriteAsync, CancellationToken.None);
        try
        {
            await Task.WhenAll(transferring, writing).ConfigureAwait(false);
        }
        catch
        {
            var error = new Task[] { transferring, writing }.Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException())
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (error is not null) ExceptionDispatchInfo.Throw(error);
            throw;
        }
        return await transferring.ConfigureAwait(false);
    }
}
