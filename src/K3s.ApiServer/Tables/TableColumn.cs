using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Tables;

/// <summary>
/// A column kubectl shows for a kind, between NAME and AGE (priority 0) or, with -o wide, after AGE
/// (priority 1); <see cref="Cell"/> reads its value from the object at a moment (for ages).
/// </summary>
public sealed record TableColumn(string Name, string Type, string Description, Func<JsonObject, DateTimeOffset, JsonNode?> Cell, int Priority = 0)
{
    public TableColumn(string name, string description, Func<JsonObject, JsonNode?> cell, int priority = 0)
        : this(name, "string", description, (item, _) => cell(item), priority) { }

    public TableColumn(string name, string description, Func<JsonObject, string> cell, int priority = 0)
        : this(name, "string", description, (item, _) => cell(item), priority) { }

    public static readonly TableColumn ObjectName = new("Name", "Name must be unique within a namespace.", item => JsonPaths.GetString(item, "metadata.name") ?? "");

    /// <summary>A count of the members of an object field ("DATA" of a configmap).</summary>
    public static TableColumn CountOf(string name, string field, string description) =>
        new(name, "integer", description, (item, _) => (item[field] as JsonObject)?.Count ?? 0);

    /// <summary>A field read along a dotted path ("status.phase"), or a placeholder when it is absent.</summary>
    public static TableColumn FieldAt(string name, string path, string description, string absent = "", int priority = 0) =>
        new(name, description, item => JsonPaths.Get(item, path)?.DeepClone() ?? absent, priority);

    /// <summary>A number read along a dotted path, 0 when absent.</summary>
    public static TableColumn NumberAt(string name, string path, string description) =>
        new(name, "integer", description, (item, _) => JsonPaths.GetLong(item, path));

    /// <summary>The age of a timestamp field, as kubectl shows ages.</summary>
    public static TableColumn AgeOf(string name, string path, string description, string absent = "<none>") =>
        new(name, "string", description, (item, now) => Cells.Age(JsonPaths.GetString(item, path), now) ?? absent);

    /// <summary>A date column (RBAC's and CRDs' "CREATED AT").</summary>
    public static TableColumn CreatedAt() =>
        new("Created At", "date", "CreationTimestamp is a timestamp representing the server time when this object was created.",
            (item, _) => JsonPaths.Get(item, "metadata.creationTimestamp")?.DeepClone());
}
