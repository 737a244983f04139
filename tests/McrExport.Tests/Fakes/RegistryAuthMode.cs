namespace McrExport.Tests.Fakes;

/// <summary>How a <see cref="FakeRegistry"/> guards <c>/v2/</c>.</summary>
public enum RegistryAuthMode { None, Bearer, Basic }
