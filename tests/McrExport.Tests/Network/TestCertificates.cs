using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McrExport.Tests.Network;

/// <summary>
/// A certificate authority made for one test (never in the system store), with a server certificate for
/// 127.0.0.1 and some names, and client certificates; every piece can be written as PEM files.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 ca, ECDsa caKey)
    {
        Ca = ca;
        _caKey = caKey;
    }

    private readonly ECDsa _caKey;

    public X509Certificate2 Ca { get; }

    public static TestCertificates CreateAuthority(string name = "mcr-export test CA")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return new TestCertificates(ca, key);
    }

    /// <summary>A server certificate for 127.0.0.1 and <paramref name="dnsNames"/>; valid now unless <paramref name="expired"/>.</summary>
    public (X509Certificate2 Certificate, ECDsa Key) Server(bool expired = false, params string[] dnsNames) =>
        Issue("CN=registry", key =>
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            foreach (var name in dnsNames) san.AddDnsName(name);
            return [san.Build(), new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)];
        }, expired);

    /// <summary>A client certificate (clientAuth) signed by this authority.</summary>
    public (X509Certificate2 Certificate, ECDsa Key) Client(string name = "exporter") =>
        Issue($"CN={name}", _ => [new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false)], expired: false);

    private (X509Certificate2, ECDsa) Issue(string subject, Func<ECDsa, X509Extension[]> extensions, bool expired)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        foreach (var extension in extensions(key)) request.CertificateExtensions.Add(extension);
        var (from, to) = expired
            ? (DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1))
            : (DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        var certificate = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), from, to, serial);
        return (certificate, key);
    }

    /// <summary>Writes the CA as PEM to <paramref name="path"/>.</summary>
    public string WriteCa(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Ca.ExportCertificatePem());
        return path;
    }

    /// <summary>Writes a certificate and its key as PEM files; returns their paths.</summary>
    public static (string Certificate, string Key) Write((X509Certificate2 Certificate, ECDsa Key) pair, string certificatePath, string keyPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(certificatePath)!);
        File.WriteAllText(certificatePath, pair.Certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, pair.Key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <summary>A handler that trusts this CA only (for seeding the registry), presenting <paramref name="client"/> if given.</summary>
    public SocketsHttpHandler TrustingHandler((X509Certificate2 Certificate, ECDsa Key)? client = null)
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(Ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
        if (client is { } pair)
        {
            var withKey = pair.Certificate.CopyWithPrivateKey(pair.Key);
            var persisted = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { persisted };
        }
        return handler;
    }

    public void Dispose()
    {
        Ca.Dispose();
        _caKey.Dispose();
    }
}
