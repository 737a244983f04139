using System.Collections.Concurrent;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace McrExport.Cli.Progress;

/// <summary>
/// For a terminal: one live bar per blob (what, bytes moved in this run, rate, time left) and a total, drawn by
/// Spectre.Console; retries and other lines are printed above the bars. The total appears with the first blob, so a
/// command that is still resolving (or retrying a refused connection) shows its retries, not an empty 100 % bar.
/// </summary>
public sealed class LiveProgressReporter(CliConsole console) : ProgressReporter
{
    private readonly IAnsiConsole _ansi = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(console.Error),
        Ansi = AnsiSupport.Yes,
        Interactive = InteractionSupport.Yes,
    });
    private readonly ConcurrentDictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _resumedAt = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private ProgressContext? _context;
    private ProgressTask? _total;

    public override Task<T> RunAsync<T>(Func<Task<T>> work) =>
        _ansi.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new SizeColumn(), new RateColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                _context = context;
                var result = await work().ConfigureAwait(false);
                lock (_gate) if (_total is not null) _total.Value = _total.MaxValue;
                return result;
            });

    public override void Line(string text) => _ansi.MarkupLine(Markup.Escape(text));

    protected override void Begin(string key, string label, long size, long already)
    {
        if (_context is null) return;
        lock (_gate)
        {
            _total ??= _context.AddTask("[bold]total[/]", autoStart: true, maxValue: 0);
            _total.MaxValue += size;
        }
        if (already > 0) _resumedAt[key] = $" [grey]resumed at {Markup.Escape(Size(already))}[/]";
        var description = Markup.Escape(label) + _resumedAt.GetValueOrDefault(key, "");
        var task = _tasks.GetOrAdd(key, _ => _context.AddTask(description, maxValue: Math.Max(1, size)));
        task.Description = description;
    }

    protected override void Resume(string key, long already)
    {
        // the bytes the registry has are still read once (their hash is checked before the upload completes), so the
        // bar keeps the blob's whole size and says where the upload took up
        _resumedAt[key] = $" [grey]resumed at {Markup.Escape(Size(already))}[/]";
        if (_tasks.TryGetValue(key, out var task)) task.Description += _resumedAt[key];
    }

    protected override void Advance(string key, long bytes)
    {
        if (_tasks.TryGetValue(key, out var task)) task.Increment(bytes);
        lock (_gate) _total?.Increment(bytes);
    }

    protected override void AdvanceAny(string prefix, long bytes)
    {
        var task = _tasks.FirstOrDefault(t => t.Key.StartsWith(prefix, StringComparison.Ordinal) && !t.Value.IsFinished).Value;
        task?.Increment(bytes);
        lock (_gate) _total?.Increment(bytes);
    }

    protected override void Retry(string? key, string text)
    {
        if (key is not null && _tasks.TryGetValue(key, out var task))
            task.Description = $"{Markup.Escape(task.Description.Split(' ')[0])} [yellow]{Markup.Escape(text)}[/]";
        _ansi.MarkupLine($"[yellow]{Markup.Escape(text)}[/]");
    }

    protected override void End(string key, string label, string outcome, long size, bool moved)
    {
        if (_context is null) return;
        if (_tasks.TryGetValue(key, out var task))
        {
            task.Description = $"{Markup.Escape(label)}{_resumedAt.GetValueOrDefault(key, "")} [green]{Markup.Escape(outcome)}[/]";
            task.Value = task.MaxValue;
            task.StopTask();
            return;
        }
        var done = _context.AddTask($"{Markup.Escape(label)} [green]{Markup.Escape(outcome)}[/] {Markup.Escape(Size(size))}", maxValue: 1);
        done.Value = 1;
        done.StopTask();
    }

    /// <summary>Bytes moved and to move, written as every size of the tool is (<c>148 B</c>, <c>1.5 MiB</c>).</summary>
    private sealed class SizeColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{Size((long)task.Value)}/{Size((long)task.MaxValue)}");
    }

    /// <summary>The rate of bytes moved in this run.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed && !task.IsFinished ? $"{Size((long)speed)}/s" : "", new Style(Color.Grey));
    }
}
