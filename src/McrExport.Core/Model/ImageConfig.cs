namespace McrExport.Model;

/// <summary>The parts of an image config the tool needs: its platform and the uncompressed layer digests.</summary>
public sealed record ImageConfig(Platform Platform, IReadOnlyList<Digest> DiffIds);
