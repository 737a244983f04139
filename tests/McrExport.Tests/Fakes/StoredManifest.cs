using McrExport.Model;

namespace McrExport.Tests.Fakes;

/// <summary>A manifest as a registry holds it: exact bytes, media type and digest.</summary>
public sealed record StoredManifest(byte[] Bytes, string MediaType, Digest Digest);
