namespace McrExport.Verify;

/// <summary>The outcome of verifying an archive: the images, how many blobs were checked, and every problem found.</summary>
public sealed record VerifyResult(IReadOnlyList<VerifiedImage> Images, int BlobsChecked, long BytesChecked, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}
