using McrExport.Model;

namespace McrExport.Push;

/// <summary>One top-level entry of a set and where it goes in the registry: a repository and a tag.</summary>
public sealed record PushTarget(SetEntry Entry, string Repository, string Tag);
