using System.Net;
using System.Text;
using McrExport.Errors;
using McrExport.Registry;
using McrExport.Tests.Fakes;
using Xunit;

namespace McrExport.Tests.Registry;

public sealed class RegistryErrorTests
{
    private const string What = "manifest windows/servercore:ltsc2016";

    [Fact]
    public void Json_errors_are_read()
    {
        var errors = RegistryError.Parse(Encoding.UTF8.GetBytes(RegistryErrors.JsonBody("MANIFEST_UNKNOWN", "manifest unknown")));

        var error = Assert.Single(errors);
        Assert.Equal(("MANIFEST_UNKNOWN", "manifest unknown"), (error.Code, error.Message));
    }

    [Fact]
    public void Mcr_xml_errors_are_read()
    {
        var errors = RegistryError.Parse(Encoding.UTF8.GetBytes(RegistryErrors.XmlBody("BLOB_UNKNOWN", "The specified blob does not exist.\nRequestId: 1")));

        var error = Assert.Single(errors);
        Assert.Equal(("BlobNotFound", "The specified blob does not exist."), (error.Code, error.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"errors\": 5}")]
    [InlineData("{\"errors\": [1, \"x\"]}")]
    [InlineData("{broken")]
    [InlineData("<Error><Code>")]
    [InlineData("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Error><Code>&e;</Code></Error>")]
    public void Unreadable_bodies_give_no_errors(string body)
    {
        Assert.Empty(RegistryError.Parse(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Manifest_unknown_is_not_found_and_names_the_tag()
    {
        var e = RegistryError.ToException(HttpStatusCode.NotFound, [new RegistryError("MANIFEST_UNKNOWN", "manifest unknown")], "mcr.microsoft.com", What);

        Assert.IsType<NotFoundException>(e);
        Assert.Equal(ExitCodes.NotFound, e.ExitCode);
        Assert.Contains("windows/servercore:ltsc2016", e.Message);
        Assert.Contains("MANIFEST_UNKNOWN", e.Message);
    }

    [Fact]
    public void Xml_not_found_is_not_found()
    {
        var e = RegistryError.ToException(HttpStatusCode.NotFound, RegistryError.Parse(Encoding.UTF8.GetBytes(RegistryErrors.XmlBody("MANIFEST_UNKNOWN", "no such manifest"))), "mcr.microsoft.com", What);

        Assert.Equal(ExitCodes.NotFound, e.ExitCode);
        Assert.Contains("ManifestNotFound", e.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "UNAUTHORIZED")]
    [InlineData(HttpStatusCode.Forbidden, "DENIED")]
    [InlineData(HttpStatusCode.Unauthorized, "")]
    public void Unauthorized_and_denied_name_the_registry_and_suggest_logging_in(HttpStatusCode status, string code)
    {
        IReadOnlyList<RegistryError> errors = code.Length == 0 ? [] : [new RegistryError(code, "access denied")];
        var e = RegistryError.ToException(status, errors, "registry.example:5000", What);

        Assert.IsType<RegistryAuthException>(e);
        Assert.Equal(ExitCodes.Auth, e.ExitCode);
        Assert.Contains("registry.example:5000", e.Message);
        Assert.Contains("docker login registry.example:5000", e.Hint);
        Assert.Contains("--username", e.Hint);
    }

    [Fact]
    public void Too_many_requests_explains_the_rate_limit()
    {
        var e = RegistryError.ToException(HttpStatusCode.TooManyRequests, [new RegistryError("TOOMANYREQUESTS", "slow down")], "docker.io", What);

        Assert.Equal(ExitCodes.Failure, e.ExitCode);
        Assert.Contains("rate-limiting", e.Message);
        Assert.Contains("limits how many requests", e.Hint);
    }

    [Fact]
    public void Other_errors_carry_the_status()
    {
        var e = RegistryError.ToException(HttpStatusCode.BadGateway, [], "docker.io", What);

        Assert.IsType<RegistryException>(e);
        Assert.Contains("502", e.Message);
    }
}
