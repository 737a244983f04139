using McrExport.Errors;
using McrExport.Tests.Fakes;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Network;

/// <summary>
/// A real distribution registry serving TLS with a CA made in the test (not in the system store), reached by name
/// through the forward proxy (CONNECT): refused without the CA, with the reason and where to put the CA; accepted
/// with the CA in a certs.d folder or in --cert-dir; a registry that wants client certificates gets one from certs.d.
/// </summary>
public sealed class TlsTests
{
    private const string Repository = "library/hello";

    private sealed class TlsSetup : IAsyncDisposable
    {
        public required TestCertificates Authority { get; init; }
        public required RegistryPeer Registry { get; init; }
        public required ForwardProxy Proxy { get; init; }
        public required TempFolder Temp { get; init; }
        public required string Name { get; init; }
        public required Fakes.TestImage Image { get; init; }

        public string Reference => $"{Name}/{Repository}:1";

        public Dictionary<string, string> Environment => new() { ["HTTPS_PROXY"] = Proxy.Url.ToString() };

        public async ValueTask DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Registry.DisposeAsync();
            Authority.Dispose();
            Temp.Dispose();
        }
    }

    private static async Task<TlsSetup> StartAsync(CancellationToken ct, bool expired = false, bool clientCertificates = false)
    {
        var temp = new TempFolder();
        var authority = TestCertificates.CreateAuthority();
        var server = TestCertificates.Write(authority.Server(expired, "tls.corp.test"), temp.Combine("pki", "server.crt"), temp.Combine("pki", "server.key"));
        var clientCa = authority.WriteCa(temp.Combine("pki", "client-ca.crt"));
        var registry = await RegistryPeer.StartAsync(new RegistryPeerOptions
        {
            TlsCertificateFile = server.Certificate,
            TlsKeyFile = server.Key,
            ClientCaFiles = clientCertificates ? [clientCa] : [],
        }, ct);
        var image = TestImages.Small("hello");
        if (!expired)
        {
            var client = clientCertificates ? authority.Client("seeder") : ((System.Security.Cryptography.X509Certificates.X509Certificate2, System.Security.Cryptography.ECDsa)?)null;
            using var seeder = new HandlerSeeder(registry.BaseUri, authority.TrustingHandler(client));
            await seeder.PushAsync(Repository, "1", image, ct);
        }
        var proxy = ForwardProxy.Start();
        var name = proxy.NameFor("tls", Loopback.Registry, registry.Port);
        return new TlsSetup { Authority = authority, Registry = registry, Proxy = proxy, Temp = temp, Name = name, Image = image };
    }

    private static Task<ProcessResult> ExportAsync(TlsSetup setup, string output, CancellationToken ct, params string[] more) =>
        ToolProcess.RunAsync([setup.Reference, "-o", setup.Temp.Combine(output), "--cache-dir", setup.Temp.Combine(output + ".cache"), .. more],
            setup.Temp.Path, setup.Environment, cancellationToken: ct);

    [Fact]
    public async Task Without_the_ca_the_registry_is_refused_saying_unknown_authority_and_where_the_ca_goes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var setup = await StartAsync(ct);

        var result = await ExportAsync(setup, "x.tar", ct);

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        Assert.Contains($"TLS handshake with {setup.Name} failed: certificate signed by unknown authority", result.StdErr);
        Assert.Contains(Path.Combine(setup.Temp.Path, "certs.d", setup.Name, "ca.crt"), result.StdErr);
        Assert.Contains("--cert-dir", result.StdErr);
        Assert.DoesNotContain("attempts", result.StdErr);
        Assert.Contains(setup.Proxy.Requests, r => r.Method == "CONNECT" && $"{r.Host}:{r.Port}" == setup.Name);
        Assert.False(File.Exists(setup.Temp.Combine("x.tar")));
    }

    [Fact]
    public async Task With_the_ca_in_certs_d_or_in_cert_dir_the_export_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var setup = await StartAsync(ct);
        setup.Authority.WriteCa(setup.Temp.Combine("certs.d", setup.Name, "ca.crt"));
        setup.Authority.WriteCa(setup.Temp.Combine("mine", "corp-root.crt"));

        var viaCertsD = await ExportAsync(setup, "a.tar", ct);
        Directory.Delete(setup.Temp.Combine("certs.d"), recursive: true);
        var viaCertDir = await ExportAsync(setup, "b.tar", ct, "--cert-dir", setup.Temp.Combine("mine"));
        var refusedAgain = await ExportAsync(setup, "c.tar", ct);

        Assert.True(viaCertsD.ExitCode == 0, viaCertsD.StdErr);
        Assert.True(viaCertDir.ExitCode == 0, viaCertDir.StdErr);
        Assert.Equal(ExitCodes.Network, refusedAgain.ExitCode);
        foreach (var output in new[] { "a.tar", "b.tar" })
        {
            var files = TarContents.Read(setup.Temp.Combine(output)).ToFiles();
            Assert.All(setup.Image.Layers, l => Assert.Equal(l.Bytes, files[$"blobs/sha256/{l.Digest.Encoded}"]));
        }
        Assert.All(setup.Proxy.Requests, r => Assert.Equal("CONNECT", r.Method));
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_refused_as_a_name_mismatch()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var setup = await StartAsync(ct);
        var alias = setup.Proxy.NameFor("alias", Loopback.Registry, setup.Registry.Port);
        setup.Authority.WriteCa(setup.Temp.Combine("certs.d", alias, "ca.crt"));

        var result = await ToolProcess.RunAsync([$"{alias}/{Repository}:1", "-o", setup.Temp.Combine("x.tar")], setup.Temp.Path,
            setup.Environment, cancellationToken: ct);

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        Assert.Contains($"TLS handshake with {alias} failed: the certificate is for", result.StdErr);
        Assert.Contains("tls.corp.test", result.StdErr);
        Assert.Contains("not alias.corp.test", result.StdErr);
    }

    [Fact]
    public async Task An_expired_certificate_is_refused_as_expired()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var setup = await StartAsync(ct, expired: true);
        setup.Authority.WriteCa(setup.Temp.Combine("certs.d", setup.Name, "ca.crt"));

        var result = await ExportAsync(setup, "x.tar", ct);

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        Assert.Contains($"TLS handshake with {setup.Name} failed: the certificate expired on", result.StdErr);
    }

    [Fact]
    public async Task A_registry_that_wants_client_certificates_gets_the_one_in_certs_d()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var setup = await StartAsync(ct, clientCertificates: true);
        var folder = setup.Temp.Combine("certs.d", setup.Name);
        setup.Authority.WriteCa(Path.Combine(folder, "ca.crt"));

        var without = await ExportAsync(setup, "a.tar", ct);
        TestCertificates.Write(setup.Authority.Client(), Path.Combine(folder, "client.cert"), Path.Combine(folder, "client.key"));
        var with = await ExportAsync(setup, "b.tar", ct);

        Assert.NotEqual(0, without.ExitCode);
        Assert.Equal(ExitCodes.Network, without.ExitCode);
        Assert.Contains($"{setup.Name} refused the TLS handshake: it wants a client certificate", without.StdErr);
        Assert.Contains(Path.Combine(folder, "client.cert"), without.StdErr);
        Assert.True(with.ExitCode == 0, with.StdErr);
        var files = TarContents.Read(setup.Temp.Combine("b.tar")).ToFiles();
        Assert.All(setup.Image.Layers, l => Assert.Equal(l.Bytes, files[$"blobs/sha256/{l.Digest.Encoded}"]));
    }
}
