using McrExport.Resolve;
using McrExport.Transfer;

namespace McrExport.Cli;

/// <summary>
/// Shows what an export is doing on standard error: live lines per blob on a terminal, plain periodic lines
/// otherwise, nothing with <c>--quiet</c>. Standard output is never touched (it may carry the tar).
/// </summary>
public abstract class ProgressReporter
{
    public static ProgressReporter Create(CliConsole console, bool quiet, bool json) =>
        quiet || json ? new QuietProgressReporter()
        : console.ErrorIsTerminal ? new LiveProgressReporter(console)
        : new PlainProgressReporter(console.Error, TimeSpan.FromSeconds(5));

    /// <summary>Runs the work with an observer wired to this reporter.</summary>
    public abstract Task<T> RunAsync<T>(Func<ITransferObserver, Task<T>> work);

    public virtual void Resolved(ResolvedImage image) { }
}

/// <summary>Reports nothing.</summary>
public sealed class QuietProgressReporter : ProgressReporter
{
    public override Task<T> RunAsync<T>(Func<ITransferObserver, Task<T>> work) => work(NullTransferObserver.Instance);
}
