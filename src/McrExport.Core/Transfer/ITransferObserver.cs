using McrExport.Model;

namespace McrExport.Transfer;

/// <summary>Hears what the transfer engine does (for progress output). Calls come from several threads at once.</summary>
public interface ITransferObserver
{
    void Started(Descriptor blob, string source, long resumeOffset) { }
    void Progress(Descriptor blob, long bytes) { }
    void Retrying(Descriptor blob, string source, string reason, int attempt, TimeSpan delay) { }
    void Completed(Descriptor blob, bool fromCache) { }
}

/// <summary>Hears nothing.</summary>
public sealed class NullTransferObserver : ITransferObserver
{
    public static readonly NullTransferObserver Instance = new();
}
