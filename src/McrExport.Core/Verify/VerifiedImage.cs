namespace McrExport.Verify;

/// <summary>One image as <c>verify</c> reports it.</summary>
public sealed record VerifiedImage(IReadOnlyList<string> Names, string Platform, string Digest, int Layers, long Size);
