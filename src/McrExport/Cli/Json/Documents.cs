using System.Text.Json.Serialization;

namespace McrExport.Cli.Json;

/// <summary>What every document starts with: the version of its shape (docs/json.md), and the command that wrote it.</summary>
public abstract record JsonDocumentBase(string Command)
{
    /// <summary>Raised only when a field changes meaning or goes away; new fields keep the version.</summary>
    public const int CurrentSchemaVersion = 1;

    [JsonPropertyOrder(-2)]
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    [JsonPropertyOrder(-1)]
    public string Command { get; init; } = Command;
}

/// <summary><c>mcr-export export --json</c>.</summary>
public sealed record ExportDocument(
    IReadOnlyList<ExportedImage> Images,
    string Format,
    string Output,
    long OutputBytes,
    long BytesDownloaded,
    long BytesResumed,
    long BytesFromCache,
    int BlobsDownloaded,
    int BlobsResumed,
    int BlobsFromCache,
    double Seconds) : JsonDocumentBase("export")
{
    /// <summary>With <c>--referrers</c>: the signatures, SBOMs and attestations carried; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<CarriedReferrer>? Referrers { get; init; }

    /// <summary>With <c>--split</c>: the part files in order, then <c>NAME.sha256</c>; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Parts { get; init; }
}

/// <summary>A referrer written with the images: its digest, the digest it refers to, its type and kind, its cosign tag.</summary>
public sealed record CarriedReferrer(string Digest, string Subject, string ArtifactType, string Kind, string? Tag);

public sealed record ExportedImage(
    string Reference,
    JsonPlatform Platform,
    string ManifestDigest,
    string ManifestMediaType,
    string ConfigDigest,
    int Layers,
    int ForeignLayers,
    long Size);

/// <summary><c>mcr-export inspect --json</c>.</summary>
public sealed record InspectDocument(
    string Reference,
    string? IndexDigest,
    IReadOnlyList<InspectedPlatform> Platforms,
    string ManifestDigest,
    string ManifestMediaType,
    JsonPlatform Platform,
    string ConfigDigest,
    long Size,
    IReadOnlyList<InspectedLayer> Layers) : JsonDocumentBase("inspect");

public sealed record InspectedPlatform(JsonPlatform Platform, string Digest, bool Chosen);

public sealed record InspectedLayer(string Digest, long Size, string MediaType, bool Foreign, IReadOnlyList<JsonSource> Sources);

/// <summary><c>mcr-export tags --json</c>.</summary>
/// <param name="Total">tags the registry listed, before the filters.</param>
/// <param name="Complete">false when a bound (pages, bytes) stopped the listing; <paramref name="IncompleteReason"/> says which.</param>
public sealed record TagsDocument(string Repository, string Registry, IReadOnlyList<string> Filters, int Total, bool Complete,
    string? IncompleteReason, IReadOnlyList<string> Tags) : JsonDocumentBase("tags");

/// <summary><c>mcr-export verify --json</c>.</summary>
public sealed record VerifyDocument(string Archive, bool Ok, IReadOnlyList<VerifiedImageEntry> Images, IReadOnlyList<VerifiedArtifactEntry> Artifacts,
    int BlobsChecked, long BytesChecked, IReadOnlyList<string> Problems) : JsonDocumentBase("verify");

/// <summary>An artifact of an OCI layout (a signature, an SBOM, an attestation): its type, digest, the manifest it is for, blobs and size.</summary>
public sealed record VerifiedArtifactEntry(string ArtifactType, string Digest, string? Subject, int Blobs, long Size);

public sealed record VerifiedImageEntry(IReadOnlyList<string> Names, JsonPlatform Platform, string ManifestDigest, int Layers, long Size);

/// <summary><c>mcr-export push --json</c>.</summary>
public sealed record PushDocument(string Registry, IReadOnlyList<PushedImageEntry> Images, PushedBlobCounts Blobs, double Seconds)
    : JsonDocumentBase("push");

public sealed record PushedImageEntry(string Reference, string Digest, string OriginalDigest, bool Rewritten)
{
    public static IReadOnlyList<PushedImageEntry> From(Push.PushResult result) =>
        result.Images.Select(i => new PushedImageEntry(i.Reference, i.Digest.ToString(), i.OriginalDigest.ToString(), i.Rewritten)).ToList();
}

public sealed record PushedBlobCounts(int Uploaded, long UploadedBytes, int Mounted, int AlreadyThere, int LeftForeign, int Resumed, int Restarted)
{
    public static PushedBlobCounts From(Push.PushResult result) => new(
        result.Count(Push.BlobAction.UploadedMonolithic) + result.Count(Push.BlobAction.UploadedChunked), result.UploadedBytes,
        result.Count(Push.BlobAction.Mounted), result.Count(Push.BlobAction.Skipped), result.Count(Push.BlobAction.LeftForeign),
        result.Blobs.Count(b => b.Resumes > 0), result.Blobs.Count(b => b.Restarts > 0));
}

/// <summary><c>mcr-export copy --json</c>: what was written; the download counts when the source is a registry, the push counts when the destination is one.</summary>
public sealed record CopyDocument(string Source, string Destination, IReadOnlyList<CopiedEntry> Entries, CopiedTransfer? Transfer,
    CopiedPush? Push, double Seconds) : JsonDocumentBase("copy");

/// <summary>One top-level entry as written: <paramref name="Kind"/> is image, index or artifact; the platform is an image's.</summary>
public sealed record CopiedEntry(string Name, string Kind, string Digest, string MediaType, JsonPlatform? Platform, long Size);

public sealed record CopiedTransfer(long BytesDownloaded, long BytesResumed, long BytesFromCache, int BlobsDownloaded, int BlobsResumed, int BlobsFromCache);

public sealed record CopiedPush(IReadOnlyList<PushedImageEntry> Images, PushedBlobCounts Blobs);

/// <summary><c>mcr-export cache list --json</c>.</summary>
public sealed record CacheListDocument(string Root, int Count, long Bytes, IReadOnlyList<CachedBlobEntry> Blobs) : JsonDocumentBase("cache list");

/// <summary><c>mcr-export cache prune --json</c>: what was removed.</summary>
public sealed record CachePruneDocument(string Root, int Count, long Bytes, IReadOnlyList<CachedBlobEntry> Removed) : JsonDocumentBase("cache prune");

public sealed record CachedBlobEntry(string Digest, long Size, DateTime LastUsed, bool Partial);
