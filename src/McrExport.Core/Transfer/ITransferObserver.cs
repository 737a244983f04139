using McrExport.Model;

namespace McrExport.Transfer;

/// <summary>Hears what the transfer engine does (for progress output). Calls come from several threads at once.</summary>
public interface ITransferObserver
{
    void Started(Descriptor blob, string source, long resumeOffset) { }
    void Progress(Descriptor blob, long bytes) { }
    void Retrying(Descriptor blob, string source, string reason, int attempt, TimeSpan delay) { }
    void Completed(Descriptor blob, bool fromCache) { }

    /// <summary>
    /// Bytes [0, <paramref name="prefix"/>) of the blob's partial file at <paramref name="partialPath"/> are written and
    /// hashed in order; they stay as they are until <see cref="Restarted"/> (the blob is not verified yet).
    /// </summary>
    void Hashed(Descriptor blob, string partialPath, long prefix) { }

    /// <summary>The blob's partial bytes were thrown away or cut short; what <see cref="Hashed"/> said no longer holds.</summary>
    void Restarted(Descriptor blob) { }
}

/// <summary>Hears nothing.</summary>
public sealed class NullTransferObserver : ITransferObserver
{
    public static readonly NullTransferObserver Instance = new();
}
