namespace McrExport.Push;

/// <summary>What a push did with one blob in one repository.</summary>
public enum BlobAction
{
    /// <summary>The registry already had it (HEAD answered 200, or an earlier image of this push put it there).</summary>
    Skipped,
    /// <summary>Mounted from another repository of the same push.</summary>
    Mounted,
    /// <summary>Uploaded in one PUT.</summary>
    UploadedMonolithic,
    /// <summary>Uploaded in PATCH chunks.</summary>
    UploadedChunked,
    /// <summary>A foreign layer left foreign: not uploaded.</summary>
    LeftForeign,
}
