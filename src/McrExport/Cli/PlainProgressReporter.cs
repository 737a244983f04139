using McrExport.Content;
using McrExport.Model;
using McrExport.Resolve;
using McrExport.Transfer;

namespace McrExport.Cli;

/// <summary>For logs and pipes: a line per blob started and finished, and a total line every few seconds.</summary>
public sealed class PlainProgressReporter(TextWriter error, TimeSpan interval) : ProgressReporter, ITransferObserver
{
    private readonly object _gate = new();
    private long _received;
    private long _total;
    private DateTime _started = DateTime.UtcNow;

    public override async Task<T> RunAsync<T>(Func<ITransferObserver, Task<T>> work)
    {
        _started = DateTime.UtcNow;
        using var timer = new PeriodicTimer(interval);
        using var stop = new CancellationTokenSource();
        var ticker = TickAsync(timer, stop.Token);
        try
        {
            return await work(this).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await ticker.ConfigureAwait(false);
        }
    }

    private async Task TickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var received = Interlocked.Read(ref _received);
                var total = Interlocked.Read(ref _total);
                if (total == 0) continue;
                var seconds = Math.Max(0.001, (DateTime.UtcNow - _started).TotalSeconds);
                Write($"progress  {DiskErrors.FormatSize(received)} of {DiskErrors.FormatSize(total)} ({100.0 * received / total:0}%), {DiskErrors.FormatSize((long)(received / seconds))}/s");
            }
        }
        catch (OperationCanceledException) { }
    }

    public override void Resolved(ResolvedImage image) =>
        Write($"resolved  {image.Image.DisplayName} → {image.Image.ManifestDescriptor.Digest} ({image.Image.ManifestDescriptor.Platform})");

    public void Started(Descriptor blob, string source, long resumeOffset)
    {
        Interlocked.Add(ref _total, blob.Size - resumeOffset);
        Write($"fetching  {blob.Digest.Short} {DiskErrors.FormatSize(blob.Size)} from {source}{(resumeOffset > 0 ? $", resuming at {DiskErrors.FormatSize(resumeOffset)}" : "")}");
    }

    public void Progress(Descriptor blob, long bytes) => Interlocked.Add(ref _received, bytes);

    public void Retrying(Descriptor blob, string source, string reason, int attempt, TimeSpan delay) =>
        Write($"retrying  {blob.Digest.Short} from {source} in {delay.TotalSeconds:0.0} s (attempt {attempt}): {reason}");

    public void Completed(Descriptor blob, bool fromCache) =>
        Write($"{(fromCache ? "cached " : "done   ")}   {blob.Digest.Short} {DiskErrors.FormatSize(blob.Size)}");

    private void Write(string line)
    {
        lock (_gate) error.WriteLine(line);
    }
}
