using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using McrExport.Tests.Support;
using Xunit;

namespace McrExport.Tests.Cli;

/// <summary>Validates a command's standard output against its schema in docs/schema, and the rules every document keeps.</summary>
public static class SchemaCheck
{
    public static string SchemaPath(string name) => Path.Combine(Golden.RepositoryRoot(), "docs", "schema", name + ".schema.json");

    /// <summary>
    /// Asserts that <paramref name="stdout"/> is one JSON document, valid against <c>docs/schema/{name}.schema.json</c>,
    /// with <c>schemaVersion</c> 1 as its first property and nothing HTML-escaped; returns its root.
    /// </summary>
    public static JsonElement Validate(string name, string stdout)
    {
        var schema = Load(name);
        var node = JsonNode.Parse(stdout) ?? throw new Xunit.Sdk.XunitException("standard output is JSON null");
        var result = schema.Evaluate(JsonDocument.Parse(stdout).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{name} output does not match docs/schema/{name}.schema.json:\n{Describe(result)}\n{stdout}");

        var first = node.AsObject().First();
        Assert.Equal("schemaVersion", first.Key);
        Assert.Equal(1, first.Value!.GetValue<int>());
        Assert.DoesNotContain("\\u002B", stdout);
        Assert.DoesNotContain("\\u0027", stdout);
        Assert.DoesNotContain("\\u003C", stdout);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    private static readonly Dictionary<string, JsonSchema> Loaded = new(StringComparer.Ordinal);

    /// <summary>Each schema is built once: the library registers it by its $id, which may not be registered twice.</summary>
    private static JsonSchema Load(string name)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(name, out var schema)) Loaded[name] = schema = JsonSchema.FromText(File.ReadAllText(SchemaPath(name)));
            return schema;
        }
    }

    private static string Describe(EvaluationResults results) =>
        string.Join('\n', (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));
}
