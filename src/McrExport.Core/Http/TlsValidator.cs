using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace McrExport.Http;

/// <summary>
/// Checks a server certificate against the system store and, for a host with certs.d material, its extra roots too;
/// remembers why a certificate was refused (expired, unknown authority, name mismatch) so that the error can say so.
/// </summary>
internal sealed class TlsValidator(HostCertificates? extra, ConcurrentDictionary<string, TlsRefusal> refusals)
{
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        var host = (sender as SslStream)?.TargetHostName ?? "";
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return Refuse(host, TlsRefusalKind.NoCertificate, "the server sent no certificate");
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return Refuse(host, TlsRefusalKind.NameMismatch, $"the certificate is for {Names(leaf)}, not {host}");

        var status = chain?.ChainStatus ?? [];
        if (extra is { ExtraRoots.Count: > 0 })
        {
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(extra.ExtraRoots);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
                foreach (var element in chain.ChainElements)
                    if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
                        custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            if (custom.Build(leaf)) return true;
            status = custom.ChainStatus;
        }
        return Describe(host, leaf, status);
    }

    private bool Describe(string host, X509Certificate2 leaf, X509ChainStatus[] status)
    {
        var flags = status.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var now = DateTime.Now;
        if (flags.HasFlag(X509ChainStatusFlags.NotTimeValid) || leaf.NotAfter < now || leaf.NotBefore > now)
            return Refuse(host, TlsRefusalKind.Expired, leaf.NotAfter < now
                ? $"the certificate expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
                : leaf.NotBefore > now ? $"the certificate is not valid before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
                : "a certificate in the chain has expired");
        if (flags.HasFlag(X509ChainStatusFlags.Revoked))
            return Refuse(host, TlsRefusalKind.Other, "the certificate has been revoked");
        if (flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain)
            || flags == X509ChainStatusFlags.NoError)
            return Refuse(host, TlsRefusalKind.UnknownAuthority,
                $"certificate signed by unknown authority (issuer: {leaf.Issuer})");
        return Refuse(host, TlsRefusalKind.Other,
            "the certificate chain is invalid: " + string.Join(", ", status.Select(s => s.Status.ToString()).Distinct()));
    }

    private bool Refuse(string host, TlsRefusalKind kind, string reason)
    {
        refusals[host] = new TlsRefusal(kind, reason);
        return false;
    }

    private static string Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
                names.AddRange(san.EnumerateIPAddresses().Select(a => a.ToString()));
            }
        if (names.Count == 0) names.Add(certificate.GetNameInfo(X509NameType.SimpleName, false));
        return string.Join(", ", names.Take(5)) + (names.Count > 5 ? ", …" : "");
    }
}

public enum TlsRefusalKind { UnknownAuthority, Expired, NameMismatch, NoCertificate, Other }

/// <summary>Why the certificate of a host was refused.</summary>
public sealed record TlsRefusal(TlsRefusalKind Kind, string Reason);
