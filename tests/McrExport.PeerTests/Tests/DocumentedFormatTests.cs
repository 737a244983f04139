using McrExport.Model;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>
/// The two archives whose producers are not installed here, written by <c>testdata/producers/make-fixtures.py</c>
/// after the producers' own code (see the README there): Docker 25.0.0–25.0.2 <c>docker save IMAGE@DIGEST</c>
/// (<c>"manifests": null</c>, moby#47210) and a go-containerregistry tarball. Real programs read what we make of them.
/// </summary>
public sealed class DocumentedFormatTests(Peers.Peers peers) : ProducerTestBase(peers)
{
    private static readonly Digest Docker25Config = Digest.Parse("sha256:529b1021aef97991a241d98a5d060929298afa7fdbd159b7bd14d1ee368bb5db");
    private static readonly Digest CraneOneConfig = Digest.Parse("sha256:45731b1eaaae18b652f2cea31dbd09f371e32c440293baa66193085f3e58c129");
    private static readonly Digest CraneTwoConfig = Digest.Parse("sha256:3a39ac26cb66b9cfbde607005894c0b3a25c0797a4ef03171784961814ec0df0");

    [Fact]
    public async Task Docker_25_save_by_digest_with_manifests_null_verifies_pushes_and_docker_loads_the_copy()
    {
        var saved = Fixture("docker25-save-by-digest.tar");
        var verified = await VerifyAsync(saved, 1);
        Assert.Contains($"(no name)  linux/amd64  {Docker25Config}", verified.StdOut);
        await PushAndReadBackAsync(saved, "docker25", Docker25Config);

        var copy = Folder.Combine("docker25-copy.tar");
        await Tool("copy", $"docker-archive:{saved}", $"docker-archive:{copy}", "--cache-dir", Cache);
        await DockerLoadsAsync(copy, Docker25Config);
    }

    [Fact]
    public async Task Crane_tarball_of_two_images_sharing_a_layer_verifies_pushes_all_and_podman_loads_the_copy()
    {
        var saved = Fixture("crane-tarball.tar");
        var verified = await VerifyAsync(saved, 2);
        Assert.Contains($"localhost:5000/producers/crane-one:v1  linux/amd64  {CraneOneConfig}", verified.StdOut);

        var registry = await Peers.SecondRegistryAsync();
        var pushed = await Tool("push", saved, registry.Authority, "--all", "--cache-dir", Cache);
        Assert.Contains("1 mounted", pushed.StdOut);
        Assert.Equal(CraneOneConfig, await ConfigDigestAsync($"docker://{registry.Reference("producers/crane-one", "v1")}", "--tls-verify=false"));
        Assert.Equal(CraneTwoConfig, await ConfigDigestAsync($"docker://{registry.Reference("producers/crane-two", "v1")}", "--tls-verify=false"));
        var manifest = await Run(PeerPrograms.Skopeo(), "inspect", "--raw", "--tls-verify=false", $"docker://{registry.Reference("producers/crane-one", "v1")}");
        Assert.Contains("sha256:33ea9fe4d482e671497877c35173d45c5bdfdb66343b94304f51de597af8fe5f", manifest.StdOut);

        var layout = Folder.Combine("crane-layout");
        await Tool("copy", saved, $"oci:{layout}", "--cache-dir", Cache);
        var converted = await VerifyAsync(layout, 2);
        Assert.Contains("localhost:5000/producers/crane-two:v1", converted.StdOut);
        var dockerArchive = Folder.Combine("crane-copy.tar");
        await Tool("copy", saved, $"docker-archive:{dockerArchive}", "--cache-dir", Cache);
        await PodmanLoadsAsync(dockerArchive, CraneOneConfig);
    }

    [Fact]
    public async Task The_fixtures_themselves_load_into_the_real_readers()
    {
        // docker 20.10 reads manifest.json and ignores index.json, as Docker 25's own docker load does with "manifests": null.
        await DockerLoadsAsync(Fixture("docker25-save-by-digest.tar"), Docker25Config);
        // containers/image reads a go-containerregistry tarball as a docker-archive.
        Assert.Equal(CraneTwoConfig, await ConfigDigestAsync($"docker-archive:{Fixture("crane-tarball.tar")}:localhost:5000/producers/crane-two:v1"));
        await PodmanLoadsAsync(Fixture("crane-tarball.tar"), CraneOneConfig);
    }

    private static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "testdata", "producers", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"testdata/producers/{name} not found above {AppContext.BaseDirectory}");
    }
}
