using System.Text.Json.Nodes;

namespace K3s.ApiServer.Tables;

/// <summary>
/// A column kubectl shows for a kind, between NAME and AGE (priority 0) or, with -o wide, after AGE
/// (priority 1); <see cref="Cell"/> reads its value from the object.
/// </summary>
public sealed record TableColumn(string Name, string Type, string Description, Func<JsonObject, JsonNode?> Cell, int Priority = 0)
{
    /// <summary>A count of the members of an object field ("DATA" of a configmap).</summary>
    public static TableColumn CountOf(string name, string field, string description) =>
        new(name, "integer", description, item => (item[field] as JsonObject)?.Count ?? 0);

    /// <summary>A field read along a dotted path ("status.phase").</summary>
    public static TableColumn FieldAt(string name, string path, string description, string type = "string") =>
        new(name, type, description, item =>
        {
            JsonNode? node = item;
            foreach (var segment in path.Split('.'))
                node = (node as JsonObject)?[segment];
            return node?.DeepClone() ?? "";
        });
}
