using McrExport.PeerTests.Harness;
using McrExport.PeerTests.Peers;
using Xunit;

namespace McrExport.PeerTests.Tests;

/// <summary>What every peer test uses: the shared peers, a folder of its own and the exporter.</summary>
public abstract class PeerTestBase(Peers.Peers peers) : IDisposable
{
    private readonly Lazy<TempFolder> _folder = new(() => new TempFolder("mcrout"));

    protected Peers.Peers Peers => peers;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>This test's own folder, deleted when it ends.</summary>
    protected TempFolder Folder => _folder.Value;

    /// <summary>Exports <paramref name="reference"/> to a new path in <see cref="Folder"/> and returns that path.</summary>
    protected async Task<string> ExportAsync(string reference, string format, params string[] options)
    {
        var extension = format switch { "oci" => "", "oci-tar" => ".oci.tar", _ => ".tar" };
        var output = Folder.Combine($"{format}-{Guid.NewGuid():N}"[..16] + extension);
        await McrExportTool.ExportAsync(Token, [reference, "-f", format, "-o", output, .. options]);
        return output;
    }

    protected static async Task<ProcessResult> Run(string program, params string[] arguments) =>
        (await ProcessRunner.RunAsync(program, arguments, cancellationToken: Token)).EnsureSuccess();

    protected static async Task<ProcessResult> Run(DockerPeer docker, params string[] arguments) =>
        (await docker.RunAsync(arguments, cancellationToken: Token)).EnsureSuccess();

    protected static async Task<ProcessResult> Run(ContainerdPeer containerd, params string[] arguments) =>
        (await containerd.RunAsync(arguments, cancellationToken: Token)).EnsureSuccess();

    protected static async Task<ProcessResult> Run(PodmanPeer podman, params string[] arguments) =>
        (await podman.RunAsync(arguments, cancellationToken: Token)).EnsureSuccess();

    public void Dispose()
    {
        if (_folder.IsValueCreated) _folder.Value.Dispose();
        GC.SuppressFinalize(this);
    }
}
