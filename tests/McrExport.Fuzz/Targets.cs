using System.Text;
using McrExport.Archive;
using McrExport.Errors;
using McrExport.Model;
using McrExport.Registry;
using McrExport.Registry.Auth;
using McrExport.Verify;

namespace McrExport.Fuzz;

/// <summary>
/// The fuzz targets. Each takes the fuzzer's bytes and feeds them to one reader of outside input. A typed error of the
/// project (<see cref="McrExportException"/>: what the CLI turns into a message and an exit code) is a right answer;
/// any other exception, a hang or a crash is a finding.
/// </summary>
public static class Targets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["tar"] = Tar,
        ["docker-archive"] = DockerArchive,
        ["oci-layout"] = OciLayout,
        ["manifest"] = Manifest,
        ["reference"] = Reference,
        ["link"] = Link,
        ["www-authenticate"] = WwwAuthenticate,
        ["registry-answers"] = RegistryAnswers,
    };

    /// <summary>A tar read as an archive: the header index, every file's bytes, then the archive as a source and its verification.</summary>
    public static void Tar(byte[] data)
    {
        Expected(() =>
        {
            var archive = TarImageArchive.Open("fuzz.tar", () => new MemoryStream(data, writable: false));
            foreach (var entry in archive.Entries.Values)
            {
                using var stream = archive.OpenRead(entry.Name);
                var read = stream.CopyToCounting();
                if (read > entry.Size) throw new InvalidOperationException($"'{entry.Name}' gave {read} bytes, more than its {entry.Size}");
            }
            ReadAndVerify(archive);
        });
    }

    /// <summary>The bytes as <c>manifest.json</c> among the files of a valid docker-load archive.</summary>
    public static void DockerArchive(byte[] data) => Expected(() => ReadAndVerify(new MemoryArchive(SampleImage.DockerFiles(data))));

    /// <summary>The bytes as <c>index.json</c> among the files of a valid OCI layout.</summary>
    public static void OciLayout(byte[] data) => Expected(() => ReadAndVerify(new MemoryArchive(SampleImage.LayoutFiles(data))));

    /// <summary>The bytes as a manifest or index (with and without each Content-Type) and as an image config.</summary>
    public static void Manifest(byte[] data)
    {
        foreach (var contentType in new[] { null, MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList })
            Expected(() => ManifestParser.Parse(data, contentType));
        Expected(() => ManifestParser.ParseConfig(data));
        Expected(() => DockerManifestItem.Parse(data));
    }

    /// <summary>The bytes as text: an image reference, a digest, a platform, a docker RepoTag.</summary>
    public static void Reference(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        Expected(() =>
        {
            var reference = ImageReference.Parse(text);
            // What the parser accepted prints to a reference that parses to the same.
            var again = ImageReference.Parse(reference.ToString());
            if (again != reference) throw new InvalidOperationException($"'{text}' parsed to {reference}, which parses to {again}");
        });
        Expected(() => Digest.TryParse(text, out _));
        Expected(() => Platform.Parse(text));
        Expected(() => DockerArchiveReader.ParseRepoTag(text));
    }

    /// <summary>The bytes as <c>Link</c> header values (one per line): a next link is on the registry's host, or there is none.</summary>
    public static void Link(byte[] data)
    {
        var baseUri = new Uri("https://127.0.0.1:5000/v2/repo/tags/list?n=100");
        var next = LinkHeader.NextPath(Encoding.UTF8.GetString(data).Split('\n'), baseUri);
        if (next is not null && new Uri(baseUri, next).Authority != baseUri.Authority)
            throw new InvalidOperationException($"the next link '{next}' leaves {baseUri.Authority}");
    }

    /// <summary>The bytes as a <c>WWW-Authenticate</c> header value.</summary>
    public static void WwwAuthenticate(byte[] data)
    {
        foreach (var challenge in AuthChallenge.ParseAll(Encoding.UTF8.GetString(data)))
            if (challenge.Scheme.Length == 0) throw new InvalidOperationException("a challenge without a scheme");
    }

    /// <summary>The bytes as a registry's tag list and as its error answer (which is read without ever throwing).</summary>
    public static void RegistryAnswers(byte[] data)
    {
        Expected(() => TagList.Parse(data));
        RegistryError.Parse(data);
    }

    private static void ReadAndVerify(ImageArchive archive)
    {
        var content = ArchiveSource.Read(archive);
        ArchiveVerifier.VerifyAsync(content, 1 << 20, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static void Expected(Action action)
    {
        try { action(); }
        catch (McrExportException) { }
    }

    private static void Expected<T>(Func<T> func) => Expected(() => { func(); });

    private static long CopyToCounting(this Stream stream)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0) total += read;
        return total;
    }
}
