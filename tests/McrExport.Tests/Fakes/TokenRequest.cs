namespace McrExport.Tests.Fakes;

/// <summary>One request to a token endpoint and whether a token was issued.</summary>
public sealed record TokenRequest(string? Service, IReadOnlyList<string> Scopes, string? Authorization, string? BasicUser, bool Granted);
