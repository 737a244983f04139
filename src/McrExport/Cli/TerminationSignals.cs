using System.Runtime.InteropServices;

namespace McrExport.Cli;

/// <summary>
/// Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation of the running command instead of an abrupt exit, so the
/// command can remove its partial output and keep its partial downloads; the command then exits 130.
/// </summary>
public sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;

    public TerminationSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    public CancellationToken Token => _cancel.Token;

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _cancel.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
