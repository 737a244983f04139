namespace McrExport.Transfer;

/// <summary>
/// Bounds the connections of a whole run: every blob downloads over one connection of its own (bounded by
/// <see cref="TransferOptions.Parallelism"/>), and the extra connections of segmented downloads are taken from here,
/// one per piece in flight, so the total never exceeds <see cref="TransferOptions.MaxConnections"/>.
/// </summary>
public sealed class ConnectionGate : IDisposable
{
    private readonly SemaphoreSlim _extra;

    public ConnectionGate(TransferOptions options)
    {
        Extra = Math.Max(0, options.MaxConnections - Math.Max(1, options.Parallelism));
        _extra = new SemaphoreSlim(Extra, Math.Max(1, Extra));
    }

    /// <summary>Connections available beyond one per blob.</summary>
    public int Extra { get; }

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (Extra == 0) throw new InvalidOperationException("no extra connections");
        await _extra.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Release() => _extra.Release();

    public void Dispose() => _extra.Dispose();
}
