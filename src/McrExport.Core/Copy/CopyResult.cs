using McrExport.Model;
using McrExport.Push;
using McrExport.Transfer;

namespace McrExport.Copy;

/// <summary>What a copy moved: the set as written, the download summary (registry sources) and the push result (registry destinations).</summary>
public sealed record CopyResult(ImageSet Set, TransferSummary? Transfer, PushResult? Push, IReadOnlyList<PushTarget> Targets);
