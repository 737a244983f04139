namespace McrExport.Verify;

/// <summary>One image as <c>verify</c> reports it.</summary>
public sealed record VerifiedImage(IReadOnlyList<string> Names, string Platform, string Digest, int Layers, long Size)
{
    /// <summary>What travels with the image ("1 Notary signature, 1 SPDX SBOM"); empty when nothing does.</summary>
    public string Carries { get; init; } = "";
}
