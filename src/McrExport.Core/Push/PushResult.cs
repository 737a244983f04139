namespace McrExport.Push;

/// <summary>Every image put and every blob's fate.</summary>
public sealed record PushResult(IReadOnlyList<PushedImage> Images, IReadOnlyList<BlobPushRecord> Blobs)
{
    public int Count(BlobAction action) => Blobs.Count(b => b.Action == action);

    public long UploadedBytes => Blobs.Where(b => b.Action is BlobAction.UploadedChunked or BlobAction.UploadedMonolithic).Sum(b => b.Size);
}
