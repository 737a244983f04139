namespace McrExport.Tests.Fakes;

/// <summary>How error bodies are written: distribution's JSON, or the XML some MCR answers carry.</summary>
public enum RegistryErrorStyle { Json, Xml }
