using McrExport.Model;
using McrExport.Output;

namespace McrExport.Transfer;

/// <summary>Passes every event on to <paramref name="inner"/> and announces each verified blob to a one-pass writer.</summary>
internal sealed class ArrivalObserver(ITransferObserver inner, BlobArrivals arrivals) : ITransferObserver
{
    public void Started(Descriptor blob, string source, long resumeOffset) => inner.Started(blob, source, resumeOffset);

    public void Progress(Descriptor blob, long bytes) => inner.Progress(blob, bytes);

    public void Retrying(Descriptor blob, string source, string reason, int attempt, TimeSpan delay) =>
        inner.Retrying(blob, source, reason, attempt, delay);

    public void Completed(Descriptor blob, bool fromCache)
    {
        inner.Completed(blob, fromCache);
        arrivals.Arrived(blob.Digest);
    }
}
