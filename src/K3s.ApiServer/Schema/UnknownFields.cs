using System.Text.Json.Nodes;

namespace K3s.ApiServer.Schema;

/// <summary>
/// The fields of an object that its kind's schema does not know, for fieldValidation=Strict (reject) and
/// Warn (warn), as dotted paths the way upstream reports them: spec.foo, spec.containers[0].bar.
/// </summary>
public static class UnknownFields
{
    /// <summary>Every object names these, whatever its schema lists.</summary>
    private static readonly HashSet<string> TypeAndObjectMeta = ["apiVersion", "kind", "metadata"];

    public static IReadOnlyList<string> Find(JsonObject item, SchemaNode schema)
    {
        var unknown = new List<string>();
        foreach (var (name, value) in item)
        {
            if (schema.Field(name) is { } field)
                Walk(value, field, name, unknown);
            else if (!TypeAndObjectMeta.Contains(name) && !schema.PreservesUnknownFields)
                unknown.Add(name);
        }
        return unknown;
    }

    /// <summary>The message a strict request is refused with (400 BadRequest), as upstream words it.</summary>
    public static string StrictMessage(string kind, string version, IReadOnlyList<string> paths) =>
        $"{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: "
        + string.Join(", ", paths.Select(path => $"unknown field \"{path}\""));

    private static void Walk(JsonNode? value, SchemaNode schema, string path, List<string> unknown)
    {
        if (schema.PreservesUnknownFields && schema.Definition is null)
            return;
        switch (value)
        {
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                    Walk(array[i], items, $"{path}[{i}]", unknown);
                break;
            case JsonObject map when schema.AdditionalProperties is { } values:
                // A map takes any key; only its values have a shape.
                foreach (var (key, entry) in map)
                    Walk(entry, values, $"{path}.{key}", unknown);
                break;
            case JsonObject obj when schema.Definition is { } definition:
                foreach (var (name, field) in obj)
                {
                    if (definition.Properties.TryGetValue(name, out var known))
                        Walk(field, known, $"{path}.{name}", unknown);
                    else if (!schema.PreservesUnknownFields && !(schema.EmbeddedResource && TypeAndObjectMeta.Contains(name)))
                        unknown.Add($"{path}.{name}");
                }
                break;
        }
    }
}
