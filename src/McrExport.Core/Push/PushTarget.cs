using McrExport.Archive;

namespace McrExport.Push;

/// <summary>One top-level entry of the archive and where it goes: a repository and a tag.</summary>
public sealed record PushTarget(ArchivedTop Top, string Repository, string Tag);
