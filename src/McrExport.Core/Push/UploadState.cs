using McrExport.Model;

namespace McrExport.Push;

/// <summary>
/// An unfinished chunked upload of one blob into one repository of one registry: the newest upload URL the registry
/// returned and how many bytes it had accepted then.
/// </summary>
public sealed record UploadState(string Authority, string Repository, Digest Digest, Uri Location, long Offset);
