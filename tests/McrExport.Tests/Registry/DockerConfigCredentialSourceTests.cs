using System.Text;
using McrExport.Registry.Auth;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Registry;

/// <summary>Credentials from Docker's config.json: auths (auth, username/password, identitytoken), credHelpers, credsStore.</summary>
public sealed class DockerConfigCredentialSourceTests
{
    private static string Base64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public async Task Auths_entries_are_read_by_host_and_docker_hub_key()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var config = temp.Combine("config.json");
        await File.WriteAllTextAsync(config, $$$"""
            {"auths":{
              "https://index.docker.io/v1/":{"auth":"{{{Base64("hubuser:hub:pass")}}}"},
              "registry.corp.example:5000":{"username":"alice","password":"secret"},
              "https://acr.example.io/v2/":{"auth":"{{{Base64("00000000-0000-0000-0000-000000000000:")}}}","identitytoken":"refresh-me"}
            }}
            """, ct);
        var source = new DockerConfigCredentialSource(config);

        var hub = await source.GetAsync("docker.io", ct);
        var corp = await source.GetAsync("registry.corp.example:5000", ct);
        var acr = await source.GetAsync("acr.example.io", ct);
        var none = await source.GetAsync("mcr.microsoft.com", ct);

        Assert.Equal(("hubuser", "hub:pass"), (hub!.Username, hub.Password));
        Assert.Equal(("alice", "secret"), (corp!.Username, corp.Password));
        Assert.Equal("refresh-me", acr!.IdentityToken);
        Assert.Null(none);
        Assert.DoesNotContain("secret", corp.ToString());
    }

    [Fact]
    public async Task Cred_helpers_and_creds_store_use_the_helper_protocol()
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("the fake credential helper is a shell script");
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var helper = temp.Combine("docker-credential-fake");
        await File.WriteAllTextAsync(helper, """
            #!/bin/sh
            read server
            case "$server" in
              registry.corp.example) echo '{"ServerURL":"registry.corp.example","Username":"bob","Secret":"from-helper"}' ;;
              store.example) echo '{"ServerURL":"store.example","Username":"<token>","Secret":"identity"}' ;;
              *) echo "credentials not found in native keychain"; exit 1 ;;
            esac
            """, ct);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = temp.Combine("config.json");
        await File.WriteAllTextAsync(config, """{"credHelpers":{"registry.corp.example":"fake"},"credsStore":"fake"}""", ct);
        var source = new DockerConfigCredentialSource(config, temp.Path);

        var helped = await source.GetAsync("registry.corp.example", ct);
        var stored = await source.GetAsync("store.example", ct);
        var missing = await source.GetAsync("other.example", ct);

        Assert.Equal(("bob", "from-helper"), (helped!.Username, helped.Password));
        Assert.Equal("identity", stored!.IdentityToken);
        Assert.Null(missing);
    }

    [Fact]
    public async Task A_missing_or_broken_config_gives_no_credentials()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        var broken = temp.Combine("broken.json");
        await File.WriteAllTextAsync(broken, "{not json", ct);

        Assert.Null(await new DockerConfigCredentialSource(temp.Combine("absent.json")).GetAsync("docker.io", ct));
        Assert.Null(await new DockerConfigCredentialSource(broken).GetAsync("docker.io", ct));
    }
}
