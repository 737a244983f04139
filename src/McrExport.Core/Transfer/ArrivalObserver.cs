using McrExport.Model;
using McrExport.Output;

namespace McrExport.Transfer;

/// <summary>Passes every event on to <paramref name="inner"/> and tells a one-pass writer of each verified blob and of each
/// download's growing prefix.</summary>
internal sealed class ArrivalObserver(ITransferObserver inner, BlobArrivals arrivals) : ITransferObserver
{
    public void Started(Descriptor blob, string source, long resumeOffset) => inner.Started(blob, source, resumeOffset);

    public void Progress(Descriptor blob, long bytes) => inner.Progress(blob, bytes);

    public void Retrying(Descriptor blob, string source, string reason, int attempt, TimeSpan delay) =>
        inner.Retrying(blob, source, reason, attempt, delay);

    public void Hashed(Descriptor blob, string partialPath, long prefix)
    {
        inner.Hashed(blob, partialPath, prefix);
        arrivals.Hashed(blob.Digest, partialPath, prefix);
    }

    public void Restarted(Descriptor blob)
    {
        inner.Restarted(blob);
        arrivals.Restarted(blob.Digest);
    }

    public void Completed(Descriptor blob, bool fromCache)
    {
        inner.Completed(blob, fromCache);
        arrivals.Arrived(blob.Digest);
    }
}
