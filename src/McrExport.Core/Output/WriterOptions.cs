namespace McrExport.Output;

/// <summary>Where and how a writer writes.</summary>
/// <param name="OutputPath">the output file or folder; <see cref="StandardOutputPath"/> (<c>-</c>) means standard output (tar formats only).</param>
public sealed record WriterOptions(string OutputPath)
{
    public const string StandardOutputPath = "-";

    /// <summary>The stream behind <c>-</c>; when null, the process's standard output is opened.</summary>
    public Stream? StandardOutput { get; init; }

    /// <summary>Docker archive only: write layers decompressed (as <c>docker save</c> of the classic store did).</summary>
    public bool UncompressedLayers { get; init; }

    /// <summary>Where decompressed layers are staged before they go into the archive; null means the system temp folder.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>OCI folder only: hard-link layer files from the blob store when it is on the same file system.</summary>
    public bool HardLinks { get; init; } = true;

    /// <summary>
    /// Tar formats with compressed layers: write in one pass while the transfer runs, appending each blob as it is
    /// announced here (verified in the store). Null: the blobs are all in the store before the writer starts.
    /// </summary>
    public BlobArrivals? Arrivals { get; init; }

    /// <summary>One pass: told of each blob once its tar entry is complete (a temporary store then lets its copy go).</summary>
    public Action<McrExport.Model.Digest>? BlobWritten { get; init; }

    /// <summary>Whether <paramref name="format"/> with these options can be written in one pass.</summary>
    public bool CanWriteInOnePass(OutputFormat format) =>
        format == OutputFormat.OciTar || (format == OutputFormat.DockerTar && !UncompressedLayers);

    /// <summary>Tar formats only: cut the tar into parts of at most this many bytes (<c>NAME.001</c>, …, <c>NAME.sha256</c>); null writes one file.</summary>
    public long? SplitSize { get; init; }

    public bool IsStandardOutput => OutputPath == StandardOutputPath;
}
