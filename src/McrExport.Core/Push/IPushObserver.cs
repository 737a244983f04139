using McrExport.Model;

namespace McrExport.Push;

/// <summary>Hears what a push does with each blob (for progress output). Calls come from several threads at once.</summary>
public interface IPushObserver
{
    /// <summary>An upload of <paramref name="blob"/> to <paramref name="repository"/> begins.</summary>
    void Started(Descriptor blob, string repository) { }

    /// <summary>The upload continues a saved upload of an earlier run: the registry already has <paramref name="offset"/> bytes.</summary>
    void Resumed(Descriptor blob, string repository, long offset) { }

    /// <summary>
    /// <paramref name="bytes"/> more of the blob were read: for sending, or (before a resumed upload continues) to hash
    /// what the registry already has. A resent chunk counts again.
    /// </summary>
    void Progress(Descriptor blob, long bytes) { }

    /// <summary>The blob's fate: uploaded, mounted, skipped (the registry has it) or left foreign.</summary>
    void Completed(Descriptor blob, string repository, BlobAction action) { }
}

/// <summary>Hears nothing.</summary>
public sealed class NullPushObserver : IPushObserver
{
    public static readonly NullPushObserver Instance = new();
}
