using McrExport.Model;

namespace McrExport.Push;

/// <summary>One blob's fate in one repository; <see cref="Resumes"/> counts uploads continued after an interruption.</summary>
public sealed record BlobPushRecord(string Repository, Digest Digest, long Size, BlobAction Action, int Resumes = 0);
