namespace McrExport.Push;

/// <summary>
/// How a push behaves: foreign layers, chunk size, parallel uploads, a line-per-step log, and where unfinished
/// chunked uploads are recorded for a later run to continue (none when null), and who hears each blob's progress.
/// </summary>
public sealed record PushOptions(
    ForeignLayerMode ForeignLayers = ForeignLayerMode.LeaveForeign,
    long ChunkSize = BlobUploader.DefaultChunkSize,
    int Parallelism = 3,
    Action<string>? Log = null,
    UploadStateStore? Uploads = null,
    IPushObserver? Observer = null)
{
    /// <summary>Also put the set's referrers of each pushed entry (<c>--referrers</c>); without it none are sent.</summary>
    public bool Referrers { get; init; }
}
