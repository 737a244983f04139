namespace McrExport.Output;

/// <summary>Picks the writer for an output format.</summary>
public static class ImageWriters
{
    public static IImageWriter Create(OutputFormat format, WriterOptions options) => format switch
    {
        OutputFormat.DockerTar => new DockerTarWriter(options),
        OutputFormat.Oci => new OciLayoutWriter(options),
        OutputFormat.OciTar => new OciTarWriter(options),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown output format"),
    };
}
