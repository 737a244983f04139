namespace McrExport.Verify;

/// <summary>The outcome of verifying an archive: the images and artifacts, how many blobs were checked, and every problem found.</summary>
public sealed record VerifyResult(IReadOnlyList<VerifiedImage> Images, int BlobsChecked, long BytesChecked, IReadOnlyList<string> Problems)
{
    public IReadOnlyList<VerifiedArtifact> Artifacts { get; init; } = [];

    /// <summary>Which producer's shape the archive has (OCI layout, docker load, both).</summary>
    public string? Kind { get; init; }

    public bool Ok => Problems.Count == 0;

    /// <summary>How many parts of a split archive were checked against its <c>.sha256</c> (0 for an archive in one file).</summary>
    public int PartsChecked { get; init; }
}
