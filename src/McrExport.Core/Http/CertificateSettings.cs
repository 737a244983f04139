using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using McrExport.Errors;

namespace McrExport.Http;

/// <summary>
/// Per-host TLS material as docker and podman keep it: a folder <c>&lt;root&gt;/&lt;host[:port]&gt;/</c> under each
/// certs.d root holds extra CA roots for that host (<c>*.crt</c>, e.g. <c>ca.crt</c>) and a client certificate
/// (<c>client.cert</c> with <c>client.key</c>, or any <c>NAME.cert</c> with <c>NAME.key</c>). The roots are
/// <c>/etc/docker/certs.d</c>, <c>~/.docker/certs.d</c>, <c>/etc/containers/certs.d</c> and
/// <c>~/.config/containers/certs.d</c>; <c>MCR_EXPORT_CERTS_D</c> (a list of folders, separated like PATH) replaces
/// them. <c>--cert-dir DIR</c> gives one folder for the registries named on the command line, used instead of certs.d.
/// The system trust store always applies as well.
/// </summary>
public sealed class CertificateSettings
{
    public const string RootsVariable = "MCR_EXPORT_CERTS_D";

    private readonly ConcurrentDictionary<string, Lazy<HostCertificates?>> _cache = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _certDirs;

    public CertificateSettings(IReadOnlyList<string> certsDRoots, IReadOnlyDictionary<string, string>? certDirs = null)
    {
        Roots = certsDRoots;
        _certDirs = new Dictionary<string, string>(certDirs ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Only the system trust store.</summary>
    public static CertificateSettings SystemOnly { get; } = new([]);

    /// <summary>The certs.d roots searched, in order.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>The certs.d roots from <c>MCR_EXPORT_CERTS_D</c>, or the docker and podman defaults.</summary>
    public static IReadOnlyList<string> DefaultRoots(Func<string, string?> environment)
    {
        if (environment(RootsVariable) is { Length: > 0 } list)
            return list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var roots = new List<string> { "/etc/docker/certs.d" };
        if (home.Length > 0) roots.Add(Path.Combine(home, ".docker", "certs.d"));
        roots.Add("/etc/containers/certs.d");
        if (home.Length > 0) roots.Add(Path.Combine(home, ".config", "containers", "certs.d"));
        return roots;
    }

    /// <summary>The folder where the user should put a CA for <paramref name="authority"/> (for hints).</summary>
    public string SuggestedFolder(string authority) =>
        Path.Combine(Roots.Count > 0 ? Roots[0] : "/etc/docker/certs.d", authority);

    /// <summary>The extra roots and client certificate for a host, or null when there is nothing beyond the system store.</summary>
    public HostCertificates? For(string host, int port)
    {
        var authority = port == 443 ? host : $"{host}:{port}";
        return _cache.GetOrAdd(authority, a => new Lazy<HostCertificates?>(() => Load(a, host, port))).Value;
    }

    private HostCertificates? Load(string authority, string host, int port)
    {
        var folders = new List<string>();
        if (_certDirs.TryGetValue(authority, out var dir) || _certDirs.TryGetValue($"{host}:{port}", out dir)) folders.Add(dir);
        else
            foreach (var root in Roots)
            {
                var candidate = Path.Combine(root, SafeName($"{host}:{port}"));
                if (Directory.Exists(candidate)) folders.Add(candidate);
                else if (port == 443 && Directory.Exists(Path.Combine(root, SafeName(host)))) folders.Add(Path.Combine(root, SafeName(host)));
            }
        if (folders.Count == 0) return null;

        var roots = new X509Certificate2Collection();
        X509Certificate2? client = null;
        var files = new List<string>();
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder)) throw new UsageException($"certificate folder {folder} does not exist");
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                try
                {
                    if (file.EndsWith(".crt", StringComparison.Ordinal))
                    {
                        roots.ImportFromPemFile(file);
                        files.Add(file);
                    }
                    else if (file.EndsWith(".cert", StringComparison.Ordinal) && client is null)
                    {
                        var key = Path.ChangeExtension(file, ".key");
                        if (!File.Exists(key)) throw new UsageException($"client certificate {file} has no key {Path.GetFileName(key)} beside it");
                        client = LoadClientCertificate(file, key);
                        files.Add(file);
                    }
                }
                catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"cannot read certificate {file}: {e.Message}", e);
                }
            }
        }
        return new HostCertificates(authority, roots, client, files);
    }

    private static X509Certificate2 LoadClientCertificate(string certFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        // An ephemeral key is not usable by every platform's TLS stack; a PKCS#12 round trip gives a persisted one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A folder name for an authority; IPv6 brackets are kept, nothing else path-like is allowed.</summary>
    private static string SafeName(string authority) =>
        authority.Replace('/', '_').Replace('\\', '_').Replace("..", "__", StringComparison.Ordinal);
}

/// <summary>The TLS material for one host: extra CA roots, a client certificate, and the files they came from.</summary>
public sealed record HostCertificates(string Authority, X509Certificate2Collection ExtraRoots, X509Certificate2? ClientCertificate,
    IReadOnlyList<string> Files);
