using System.Runtime.ExceptionServices;
using McrExport.Output;

namespace McrExport.Transfer;

/// <summary>
/// Runs the transfer and a one-pass writer side by side: the writer appends each blob the transfer announces through
/// <see cref="BlobArrivals"/>. The first failure of either stops the other; the transfer's failure reaches the writer
/// as the end of the arrivals, so its output is never completed (and the atomic output leaves nothing behind).
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

        async Task WriteAsync()
        {
            try
            {
                await write(both.Token).ConfigureAwait(false);
            }
            catch
            {
                await both.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

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
