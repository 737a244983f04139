using System.Threading.Channels;
using McrExport.Model;

namespace McrExport.Output;

/// <summary>
/// The hand-off from the transfer to a one-pass tar writer: the digests of blobs as they become verified in the blob
/// store (downloaded and checked, or found in the cache), in the order that happens. The writer appends each from
/// the store while the others are still downloading; nothing unverified is ever announced. Completed when the
/// transfer ends, with its exception when it failed.
/// </summary>
public sealed class BlobArrivals
{
    private readonly Channel<Digest> _channel = Channel.CreateUnbounded<Digest>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>A blob of this digest is now verified in the store.</summary>
    public void Arrived(Digest digest) => _channel.Writer.TryWrite(digest);

    /// <summary>No more blobs will arrive; <paramref name="error"/> is why, when the transfer failed.</summary>
    public void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);

    public IAsyncEnumerable<Digest> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);
}
