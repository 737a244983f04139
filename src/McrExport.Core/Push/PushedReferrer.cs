using McrExport.Model;

namespace McrExport.Push;

/// <summary>A referrer (an artifact entry of the set) put into <paramref name="Repository"/>, and how its subject's registry learned of it.</summary>
public sealed record PushedReferrer(string Repository, SetEntry Referrer, ReferrerPusher.Recorded Recorded)
{
    public Digest Digest => Referrer.Node.Digest;

    public Digest Subject => ReferrerGraph.SubjectOf(Referrer)!.Value;

    public string Kind => ReferrerGraph.KindOf(Referrer);
}
