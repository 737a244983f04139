using McrExport.Errors;
using McrExport.Http;
using McrExport.Registry.Auth;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Network;

/// <summary>Proxy variables and NO_PROXY as curl and docker read them; credential files in containers-auth.json(5) order.</summary>
public sealed class EnvironmentSettingsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("registry.corp.example", "registry.corp.example", 443, true)]
    [InlineData("corp.example", "registry.corp.example", 443, true)]
    [InlineData(".corp.example", "corp.example", 443, true)]
    [InlineData("*.corp.example", "a.b.corp.example", 443, true)]
    [InlineData("corp.example", "notcorp.example", 443, false)]
    [InlineData("registry.corp.example:5000", "registry.corp.example", 5000, true)]
    [InlineData("registry.corp.example:5000", "registry.corp.example", 443, false)]
    [InlineData("10.0.0.0/8", "10.20.30.40", 443, true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", 443, false)]
    [InlineData("192.168.1.10", "192.168.1.10", 80, true)]
    [InlineData("fd00::/8", "[fd12::1]", 443, true)]
    [InlineData("[::1]:80", "[::1]", 80, true)]
    [InlineData("*", "anything.example", 443, true)]
    [InlineData(" a.example , corp.example ", "x.corp.example", 443, true)]
    [InlineData("", "x.corp.example", 443, false)]
    public void No_proxy_entries_match_like_curl_and_docker(string noProxy, string host, int port, bool expected) =>
        Assert.Equal(expected, NoProxyList.Parse(noProxy).Matches(host, port));

    [Fact]
    public void Https_and_http_urls_take_their_own_proxy_and_loopback_goes_direct()
    {
        var settings = ProxySettings.FromEnvironment(Env(("https_proxy", "proxy.corp:3128"), ("HTTP_PROXY", "http://u:p%40ss@web.corp:8080"),
            ("no_proxy", ".internal")));

        Assert.Equal(new Uri("http://proxy.corp:3128"), settings.ProxyFor(new Uri("https://mcr.microsoft.com/v2/")));
        Assert.Equal("web.corp", settings.ProxyFor(new Uri("http://go.microsoft.com/fwlink"))!.Host);
        Assert.Null(settings.ProxyFor(new Uri("https://registry.internal/v2/")));
        Assert.Null(settings.ProxyFor(new Uri("http://127.0.0.1:5000/v2/")));
        Assert.Null(settings.ProxyFor(new Uri("http://localhost:5000/v2/")));
        var credential = settings.ToWebProxy().Credentials!.GetCredential(new Uri("http://web.corp:8080"), "Basic")!;
        Assert.Equal(("u", "p@ss"), (credential.UserName, credential.Password));
    }

    [Fact]
    public void Upper_case_wins_and_all_proxy_is_the_fallback()
    {
        var settings = ProxySettings.FromEnvironment(Env(("HTTPS_PROXY", "http://upper:1"), ("https_proxy", "http://lower:2"), ("ALL_PROXY", "http://all:3")));

        Assert.Equal("upper", settings.HttpsProxy!.Host);
        Assert.Equal("all", settings.HttpProxy!.Host);
        Assert.True(ProxySettings.FromEnvironment(Env()).IsEmpty);
    }

    [Fact]
    public void Auth_files_are_searched_in_the_documented_order()
    {
        var env = Env(("HOME", "/home/u"), ("XDG_RUNTIME_DIR", "/run/user/1000"));

        var defaults = AuthFiles.SearchOrder(null, env);
        var viaVariable = AuthFiles.SearchOrder(null, Env(("HOME", "/home/u"), ("XDG_RUNTIME_DIR", "/run/user/1000"), ("REGISTRY_AUTH_FILE", "/etc/auth.json")));
        var viaOption = AuthFiles.SearchOrder("/tmp/mine.json", Env(("HOME", "/home/u"), ("REGISTRY_AUTH_FILE", "/etc/auth.json"),
            ("XDG_CONFIG_HOME", "/cfg"), ("DOCKER_CONFIG", "/dockercfg")));

        if (OperatingSystem.IsLinux())
            Assert.Equal(["/run/user/1000/containers/auth.json", "/home/u/.config/containers/auth.json", "/home/u/.docker/config.json"], defaults);
        Assert.Equal(["/etc/auth.json", "/home/u/.config/containers/auth.json", "/home/u/.docker/config.json"], viaVariable);
        Assert.Equal(["/tmp/mine.json", "/cfg/containers/auth.json", "/dockercfg/config.json"], viaOption);
    }

    [Fact]
    public async Task The_first_file_with_an_entry_for_the_registry_wins_and_the_credential_says_where_it_came_from()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempFolder();
        static string Auth(string host, string user, string password) =>
            $"{{\"auths\":{{\"{host}\":{{\"auth\":\"{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}"))}\"}}}}}}";
        Directory.CreateDirectory(temp.Combine("run", "containers"));
        Directory.CreateDirectory(temp.Combine("home", ".config", "containers"));
        Directory.CreateDirectory(temp.Combine("home", ".docker"));
        File.WriteAllText(temp.Combine("run", "containers", "auth.json"), Auth("podman.example", "runtime", "1"));
        File.WriteAllText(temp.Combine("home", ".config", "containers", "auth.json"), Auth("both.example", "config", "2"));
        File.WriteAllText(temp.Combine("home", ".docker", "config.json"), Auth("both.example", "docker", "3") );
        var env = Env(("HOME", temp.Combine("home")), ("XDG_RUNTIME_DIR", temp.Combine("run")));
        var source = AuthFiles.Source(null, env);

        var both = await source.GetAsync("both.example", ct);
        var podman = await source.GetAsync("podman.example", ct);
        var none = await source.GetAsync("other.example", ct);

        Assert.Equal("config", both!.Username);
        Assert.Equal(temp.Combine("home", ".config", "containers", "auth.json"), both.Source);
        if (OperatingSystem.IsLinux()) Assert.Equal("runtime", podman!.Username);
        Assert.Null(none);
        Assert.Throws<UsageException>(() => AuthFiles.Source(temp.Combine("missing.json"), env));
    }

    [Fact]
    public async Task A_401_names_the_file_the_refused_credentials_came_from()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var registry = await FakeRegistry.StartAsync(cancellationToken: ct);
        registry.UseBasicAuth("bob", "right");
        registry.Push("library/hello", "1", TestImages.Small("hello"));
        using var temp = new TempFolder();
        var file = temp.Combine("auth.json");
        File.WriteAllText(file, $"{{\"auths\":{{\"{registry.Authority}\":{{\"auth\":\"{Convert.ToBase64String("bob:wrong"u8.ToArray())}\"}}}}}}");

        var result = await Support.CliRunner.RunAsync(["inspect", registry.Reference("library/hello", "1"), "--authfile", file], cancellationToken: ct);

        Assert.Equal(ExitCodes.Auth, result.ExitCode);
        Assert.Contains($"with the credentials from {file}", result.Error);
    }
}
