namespace McrExport.Push;

/// <summary>How an upload got over interruptions: continued at the registry's offset, or started over.</summary>
public sealed record UploadRecovery(int Resumes, int Restarts)
{
    public static readonly UploadRecovery None = new(0, 0);
}
