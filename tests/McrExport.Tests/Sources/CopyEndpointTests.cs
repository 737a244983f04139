using McrExport.Copy;
using McrExport.Errors;
using McrExport.Output;
using Xunit;

namespace McrExport.Tests.Sources;

/// <summary>The two sides of <c>copy</c> in skopeo's transport syntax, and what a bare argument is taken for.</summary>
public sealed class CopyEndpointTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Theory]
    [InlineData("docker://registry.example:5000/team/app:1.0", "registry.example:5000/team/app:1.0")]
    [InlineData("docker://127.0.0.1:5000/app@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "127.0.0.1:5000/app@sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("registry.example:5000/team/app:1.0", "registry.example:5000/team/app:1.0")]
    [InlineData("localhost/team/app", "localhost/team/app")]
    public void A_registry_reference_is_a_registry_side(string text, string destination)
    {
        var endpoint = Assert.IsType<RegistryEndpoint>(CopyEndpoint.Parse(text, isSource: true));
        Assert.Equal(destination, endpoint.Destination);
    }

    [Fact]
    public void A_destination_registry_may_be_a_host_alone_for_all() =>
        Assert.Equal("127.0.0.1:5000", Assert.IsType<RegistryEndpoint>(CopyEndpoint.Parse("docker://127.0.0.1:5000", isSource: false)).Destination);

    [Theory]
    [InlineData("docker-archive:out.tar", "out.tar", OutputFormat.DockerTar, null)]
    [InlineData("docker-archive:out.tar:team/app:1.0", "out.tar", OutputFormat.DockerTar, "team/app:1.0")]
    [InlineData("oci:layout", "layout", OutputFormat.Oci, null)]
    [InlineData("oci:layout:v1", "layout", OutputFormat.Oci, "v1")]
    [InlineData("oci:layout:", "layout", OutputFormat.Oci, null)]
    [InlineData("oci:layout:localhost/producers/app:v1", "layout", OutputFormat.Oci, "localhost/producers/app:v1")]
    [InlineData("oci-archive:out.oci.tar:2.0", "out.oci.tar", OutputFormat.OciTar, "2.0")]
    [InlineData(@"oci:C:\images\layout:v1", @"C:\images\layout", OutputFormat.Oci, "v1")]
    public void A_transport_prefix_gives_path_format_and_name(string text, string path, OutputFormat format, string? name)
    {
        var endpoint = Assert.IsType<ArchiveEndpoint>(CopyEndpoint.Parse(text, isSource: false));
        Assert.Equal(new ArchiveEndpoint(path, format, name), endpoint);
    }

    [Theory]
    [InlineData("out.tar", OutputFormat.DockerTar)]
    [InlineData("out.oci.tar", OutputFormat.OciTar)]
    [InlineData("./layout", OutputFormat.Oci)]
    [InlineData("layout", OutputFormat.Oci)]
    public void A_bare_destination_path_is_inferred_from_its_name(string text, OutputFormat format) =>
        Assert.Equal(format, Assert.IsType<ArchiveEndpoint>(CopyEndpoint.Parse(text, isSource: false)).Format);

    [Fact]
    public void An_existing_folder_is_an_oci_layout_and_an_existing_file_is_read_for_its_kind()
    {
        var folder = _temp.Combine("layout");
        Directory.CreateDirectory(folder);
        var file = _temp.Combine("saved.tar");
        File.WriteAllText(file, "");

        Assert.Equal(new ArchiveEndpoint(folder, OutputFormat.Oci, null), CopyEndpoint.Parse(folder, isSource: true));
        Assert.Equal(new ArchiveEndpoint(file, null, null), CopyEndpoint.Parse(file, isSource: true));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("oci::v1")]
    [InlineData("docker-archive:/no/such/archive.tar")]
    [InlineData("oci:/no/such/layout")]
    [InlineData("team/app:1.0")]
    [InlineData("app.tar")]
    public void A_source_that_is_no_archive_and_no_reference_is_a_usage_error(string text)
    {
        var error = Assert.ThrowsAny<UsageException>(() => CopyEndpoint.Parse(text, isSource: true));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.NotEmpty(error.Message);
    }

    [Theory]
    [InlineData("oci:layout:Not A Name")]
    [InlineData("oci-archive:out.oci.tar:UPPER/case:tag")]
    [InlineData("docker://registry.example:5000/Team/App:1.0")]
    public void A_name_that_is_no_tag_and_no_reference_is_a_usage_error(string text) =>
        Assert.Equal(ExitCodes.Usage, Assert.ThrowsAny<McrExportException>(() => CopyEndpoint.Parse(text, isSource: false)).ExitCode);

    [Fact]
    public void A_bare_text_that_is_neither_says_which_transports_exist()
    {
        var error = Assert.Throws<UsageException>(() => CopyEndpoint.Parse("team/app:1.0", isSource: false));
        Assert.Contains("docker://", error.Message);
        Assert.Contains("docker-archive:", error.Hint);
    }

    public void Dispose() => _temp.Dispose();
}
