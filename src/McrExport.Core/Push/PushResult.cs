namespace McrExport.Push;

/// <summary>Every image put and every blob's fate.</summary>
public sealed record PushResult(IReadOnlyList<PushedImage> Images, IReadOnlyList<BlobPushRecord> Blobs)
{
    /// <summary>The referrers put (<c>--referrers</c>), with the repository and how each was recorded.</summary>
    public IReadOnlyList<PushedReferrer> Referrers { get; init; } = [];

    public int Count(BlobAction action) => Blobs.Count(b => b.Action == action);

    public long UploadedBytes => Blobs.Where(b => b.Action is BlobAction.UploadedChunked or BlobAction.UploadedMonolithic).Sum(b => b.Size);
}
