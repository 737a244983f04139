using McrExport.PeerTests.Images;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>Our docker-tar next to <c>docker pull</c> + <c>docker save</c> of the same image.</summary>
public sealed class DockerSaveComparisonTests(Peers.Peers peers) : PeerTestBase(peers)
{
    [Fact]
    public async Task Small_image_matches_docker_save()
    {
        var images = await Peers.ImagesAsync();
        var docker = await Peers.DockerAsync();
        var reference = images.Small;
        var ours = SavedArchive.Read(await ExportAsync(reference, "docker-tar"));

        await docker.RunAsync(["image", "rm", "--force", reference], cancellationToken: Token);
        try
        {
            await Run(docker, "pull", reference);
            var saved = Folder.Combine("docker-save.tar");
            await Run(docker, "save", "-o", saved, reference);
            var theirs = SavedArchive.Read(saved);

            Assert.Equal(theirs.ConfigDigest, ours.ConfigDigest);
            Assert.Equal(theirs.ConfigBytes, ours.ConfigBytes);
            Assert.Equal(theirs.RepoTags, ours.RepoTags);
            Assert.Equal(theirs.LayerDiffIds, ours.LayerDiffIds);
            Assert.Equal(theirs.LayerUncompressedDigests(), ours.LayerUncompressedDigests());
            Assert.Equal(images.Catalog.Small.DiffIds, ours.LayerUncompressedDigests());
            Assert.Equal(1, ours.ImageCount);
        }
        finally
        {
            await docker.RunAsync(["image", "rm", "--force", reference], cancellationToken: Token);
        }
    }
}
