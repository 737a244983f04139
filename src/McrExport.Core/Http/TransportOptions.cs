namespace McrExport.Http;

/// <summary>How the transport reaches hosts: timeouts, proxies, certificates.</summary>
public sealed record TransportOptions
{
    /// <summary>How long to wait for response headers.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The time a small body (manifest, token, tag page, error) may take: the whole body must arrive within it, plus
    /// the same again for every MiB received. Blob bodies are timed by the transfer engine.
    /// </summary>
    public TimeSpan BodyStallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public ProxySettings Proxy { get; init; } = ProxySettings.None;

    public CertificateSettings Certificates { get; init; } = CertificateSettings.SystemOnly;

    /// <summary>The settings a user's environment gives: proxy variables and the certs.d roots.</summary>
    public static TransportOptions FromEnvironment(Func<string, string?> environment, IReadOnlyDictionary<string, string>? certDirs = null) => new()
    {
        Proxy = ProxySettings.FromEnvironment(environment),
        Certificates = new CertificateSettings(CertificateSettings.DefaultRoots(environment), certDirs),
    };
}
