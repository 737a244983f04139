using System.Collections.Concurrent;
using McrExport.Content;
using McrExport.Model;
using McrExport.Resolve;
using McrExport.Transfer;
using Spectre.Console;

namespace McrExport.Cli;

/// <summary>
/// For a terminal: one live line per blob (source, bytes, rate, time left) and a total line, drawn by Spectre.Console.
/// It is only chosen when standard error is a terminal, so it tells Spectre so rather than letting it guess from the writer.
/// </summary>
public sealed class LiveProgressReporter(CliConsole console) : ProgressReporter, ITransferObserver
{
    private readonly IAnsiConsole _ansi = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(console.Error),
        Ansi = AnsiSupport.Yes,
        Interactive = InteractionSupport.Yes,
    });
    private readonly ConcurrentDictionary<Digest, ProgressTask> _tasks = new();
    private ProgressContext? _context;
    private ProgressTask? _total;

    public override Task<T> RunAsync<T>(Func<ITransferObserver, Task<T>> work) =>
        _ansi.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                _context = context;
                _total = context.AddTask("[bold]total[/]", autoStart: true, maxValue: 0);
                var result = await work(this).ConfigureAwait(false);
                _total.Value = _total.MaxValue;
                return result;
            });

    public override void Resolved(ResolvedImage image) =>
        _ansi.MarkupLine($"[grey]resolved[/] {Markup.Escape(image.Image.DisplayName)} → {Markup.Escape(image.Image.ManifestDescriptor.Platform?.ToString() ?? "")} {image.Image.ManifestDescriptor.Digest.Short}");

    public void Started(Descriptor blob, string source, long resumeOffset)
    {
        if (_context is null) return;
        var task = _tasks.GetOrAdd(blob.Digest, _ => _context.AddTask($"{blob.Digest.Short} [grey]{Markup.Escape(source)}[/]", maxValue: blob.Size));
        task.Value = resumeOffset;
        lock (this) _total!.MaxValue += blob.Size - resumeOffset;
    }

    public void Progress(Descriptor blob, long bytes)
    {
        if (_tasks.TryGetValue(blob.Digest, out var task)) task.Increment(bytes);
        _total?.Increment(bytes);
    }

    public void Retrying(Descriptor blob, string source, string reason, int attempt, TimeSpan delay)
    {
        if (_tasks.TryGetValue(blob.Digest, out var task))
            task.Description = $"{blob.Digest.Short} [yellow]retry {attempt}[/] [grey]{Markup.Escape(source)}[/]";
    }

    public void Completed(Descriptor blob, bool fromCache)
    {
        if (_context is null) return;
        if (fromCache)
        {
            var t = _context.AddTask($"{blob.Digest.Short} [green]cached[/] {DiskErrors.FormatSize(blob.Size)}", maxValue: 1);
            t.Value = 1;
            return;
        }
        if (_tasks.TryGetValue(blob.Digest, out var task)) task.Value = task.MaxValue;
    }
}
