namespace McrExport.Push;

/// <summary>Where a blob's bytes come from: a factory, since a retry or resume opens them again.</summary>
public delegate Stream UploadSource();
