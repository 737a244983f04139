using McrExport.Model;

namespace McrExport.Content;

/// <summary>Read access to verified blobs: what writers consume. Nothing behind it touches the network.</summary>
public interface IBlobReader
{
    /// <summary>Opens a verified blob for reading (sequential, large buffer).</summary>
    Stream OpenRead(Digest digest);

    /// <summary>The file that holds a verified blob (for hard links and fast copies).</summary>
    string PathOf(Digest digest);
}
