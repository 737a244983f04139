using McrExport.Model;

namespace McrExport.Push;

/// <summary>What was put: <c>registry/repository:tag</c> and the digest (different from the archive's when rewritten).</summary>
public sealed record PushedImage(string Reference, Digest Digest, Digest OriginalDigest)
{
    public bool Rewritten => Digest != OriginalDigest;
}
