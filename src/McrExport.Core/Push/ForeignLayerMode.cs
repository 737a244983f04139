namespace McrExport.Push;

/// <summary>What a push does with foreign (non-distributable) layers.</summary>
public enum ForeignLayerMode
{
    /// <summary>Not uploaded; the manifest keeps them foreign with their <c>urls</c>.</summary>
    LeaveForeign,
    /// <summary>Uploaded too; the manifest is unchanged.</summary>
    Include,
    /// <summary>Uploaded and turned into ordinary layers without <c>urls</c>: a new manifest, a new digest.</summary>
    Rewrite,
}
