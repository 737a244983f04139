namespace McrExport.Verify;

/// <summary>Hears which blobs a verify reads and how far (for progress output). Calls come from several threads at once.</summary>
public interface IVerifyObserver
{
    void Started(string name, long size) { }
    void Progress(string name, long bytes) { }
    void Completed(string name) { }
}
