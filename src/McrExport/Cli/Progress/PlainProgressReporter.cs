namespace McrExport.Cli.Progress;

/// <summary>For logs and pipes: a line per blob started, retried and finished, and a total line every few seconds.</summary>
public sealed class PlainProgressReporter(TextWriter error, TimeSpan interval, bool perBlobLines = true) : ProgressReporter
{
    private readonly object _gate = new();
    private long _moved;
    private long _total;
    private DateTime _started = DateTime.UtcNow;

    public override async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        _started = DateTime.UtcNow;
        using var timer = new PeriodicTimer(interval);
        using var stop = new CancellationTokenSource();
        var ticker = TickAsync(timer, stop.Token);
        try
        {
            return await work().ConfigureAwait(false);
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
                var moved = Interlocked.Read(ref _moved);
                var total = Interlocked.Read(ref _total);
                if (total == 0) continue;
                var seconds = Math.Max(0.001, (DateTime.UtcNow - _started).TotalSeconds);
                Line($"progress  {Size(moved)} of {Size(total)} ({100.0 * Math.Min(moved, total) / total:0}%), {Size((long)(moved / seconds))}/s");
            }
        }
        catch (OperationCanceledException) { }
    }

    public override void Line(string text)
    {
        lock (_gate) error.WriteLine(text);
    }

    protected override void Begin(string key, string label, long size, long already)
    {
        Interlocked.Add(ref _total, size);
        if (perBlobLines) Line($"{Verb(label)}{label} {Size(size + already)}{(already > 0 ? $", resuming at {Size(already)}" : "")}");
    }

    protected override void Advance(string key, long bytes) => Interlocked.Add(ref _moved, bytes);

    // the uploader's own line says where it resumes; the bytes before are still read once, for their hash
    protected override void Resume(string key, long already) { }

    protected override void AdvanceAny(string prefix, long bytes) => Interlocked.Add(ref _moved, bytes);

    protected override void Retry(string? key, string text) => Line(text);

    protected override void End(string key, string label, string outcome, long size, bool moved)
    {
        if (perBlobLines) Line($"{outcome,-9} {label}{(size > 0 ? $" {Size(size)}" : "")}");
    }

    private static string Verb(string label) => label.Contains(" → ", StringComparison.Ordinal) ? "uploading " : "fetching  ";
}
