using System.Text.Json.Serialization;

namespace McrExport.Cli;

/// <summary>The JSON the command line prints (indented, camelCase unless a property names itself), source-generated.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ExportSummary))]
[JsonSerializable(typeof(InspectReport))]
internal sealed partial class CliJson : JsonSerializerContext;
