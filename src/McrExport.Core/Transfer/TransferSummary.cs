namespace McrExport.Transfer;

/// <summary>What a transfer did: blobs and bytes fetched over the network versus taken from the cache.</summary>
public sealed record TransferSummary(int BlobsDownloaded, long BytesDownloaded, int BlobsFromCache, long BytesFromCache);
