namespace McrExport.Errors;

/// <summary>The process exit codes; the README documents the same table.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int Auth = 4;
    public const int Network = 5;
    public const int Integrity = 6;
    public const int Disk = 7;
    public const int Cancelled = 130;
}
