namespace McrExport.Push;

/// <summary>How a push behaves: foreign layers, chunk size, parallel uploads, and a line-per-step log.</summary>
public sealed record PushOptions(
    ForeignLayerMode ForeignLayers = ForeignLayerMode.LeaveForeign,
    long ChunkSize = BlobUploader.DefaultChunkSize,
    int Parallelism = 3,
    Action<string>? Log = null);
