using McrExport.Model;

namespace McrExport.Push;

/// <summary>Hears what a push does with each blob (for progress output). Calls come from several threads at once.</summary>
public interface IPushObserver
{
    /// <summary>An upload of <paramref name="blob"/> to <paramref name="repository"/> begins.</summary>
    void Started(Descriptor blob, string repository) { }

    /// <summary><paramref name="bytes"/> more of the blob were read for sending (a resent chunk counts again).</summary>
    void Progress(Descriptor blob, long bytes) { }

    /// <summary>The blob's fate: uploaded, mounted, skipped (the registry has it) or left foreign.</summary>
    void Completed(Descriptor blob, string repository, BlobAction action) { }
}

/// <summary>Hears nothing.</summary>
public sealed class NullPushObserver : IPushObserver
{
    public static readonly NullPushObserver Instance = new();
}
