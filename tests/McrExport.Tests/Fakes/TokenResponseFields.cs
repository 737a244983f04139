namespace McrExport.Tests.Fakes;

/// <summary>Which JSON fields carry the token in a token answer.</summary>
[Flags]
public enum TokenResponseFields
{
    Token = 1,
    AccessToken = 2,
    Both = Token | AccessToken,
}
