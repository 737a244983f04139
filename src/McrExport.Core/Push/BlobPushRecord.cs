using McrExport.Model;

namespace McrExport.Push;

/// <summary>
/// One blob's fate in one repository; <see cref="Resumes"/> counts chunked uploads continued at the registry's offset
/// after an interruption, <see cref="Restarts"/> those the registry made start over.
/// </summary>
public sealed record BlobPushRecord(string Repository, Digest Digest, long Size, BlobAction Action, int Resumes = 0, int Restarts = 0);
