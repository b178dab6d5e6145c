using System.Text.Json.Nodes;

namespace K3s.ApiServer.Machinery;

/// <summary>Reading and writing an object's fields by dotted path ("spec.template.spec").</summary>
public static class JsonPaths
{
    public static JsonNode? Get(JsonNode? node, string path)
    {
        foreach (var segment in path.Split('.'))
            node = (node as JsonObject)?[segment];
        return node;
    }

    public static string? GetString(JsonNode? node, string path) => Get(node, path) is JsonValue value ? value.ToString() : null;

    /// <summary>A whole number at a path, whether parsed from JSON text or set in code as an int or a long.</summary>
    public static long GetLong(JsonNode? node, string path, long fallback = 0) => Get(node, path) switch
    {
        JsonValue value when value.TryGetValue<long>(out var number) => number,
        JsonValue value when value.TryGetValue<int>(out var small) => small,
        _ => fallback,
    };

    public static IEnumerable<JsonObject> Objects(JsonNode? node, string path) => (Get(node, path) as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>Sets a field, making the objects on the way.</summary>
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        var segments = path.Split('.');
        var node = root;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is not JsonObject next)
                node[segment] = next = new JsonObject();
            node = next;
        }
        node[segments[^1]] = value;
    }
}
