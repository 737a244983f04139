namespace McrExport.TestSupport;

/// <summary>Where each peer's program is; each lookup skips or fails the calling test when it is missing.</summary>
public static class PeerPrograms
{
    public static string Registry() => PeerRequirement.RequireProgram("docker-registry", "/usr/bin/docker-registry", "docker-registry", "registry");

    public static string Dockerd()
    {
        var dockerd = PeerRequirement.RequireProgram("dockerd", "dockerd");
        PeerRequirement.SkipUnlessRoot("dockerd");
        return dockerd;
    }

    /// <summary>The client that came with the daemon, ahead of a newer one earlier on PATH.</summary>
    public static string DockerClient() => PeerRequirement.RequireProgram("docker (client)", "/usr/bin/docker", "docker");

    public static string Containerd() => PeerRequirement.RequireProgram("containerd", "containerd");

    public static string Ctr() => PeerRequirement.RequireProgram("ctr", "ctr");

    public static string Podman() => PeerRequirement.RequireProgram("podman", "podman");

    public static string Skopeo() => PeerRequirement.RequireProgram("skopeo", "skopeo");

    public static string Umoci() => PeerRequirement.RequireProgram("umoci", "umoci");

    public static string OciImageTool() => PeerRequirement.RequireProgram("oci-image-tool", "oci-image-tool");
}
