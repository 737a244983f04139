using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>A manifest list or OCI index with the images it lists.</summary>
public sealed record TestIndex(byte[] Bytes, string MediaType, IReadOnlyList<TestImage> Images)
{
    public Digest Digest => Digest.Compute(Bytes);

    public Descriptor Descriptor => new(MediaType, Digest, Bytes.Length);
}
