using System.Text.Json.Nodes;
using K3s.ApiServer.Schema;

namespace K3s.ApiServer.OpenApi;

/// <summary>
/// The definitions section of one document (components.schemas or definitions): catalog definitions
/// written as upstream writes them, with every definition they reference, plus schemas given as JSON
/// (custom resources, and the few upstream types the catalog has no model for).
/// </summary>
public sealed class SchemaJson(OpenApiFlavor flavor)
{
    private readonly SortedDictionary<string, JsonObject> written = new(StringComparer.Ordinal);
    private readonly Queue<SchemaDefinition> pending = [];
    private readonly HashSet<string> queued = new(StringComparer.Ordinal);

    /// <summary>Includes a named definition (and, when built, all it references); returns its name.</summary>
    public string Include(SchemaDefinition definition)
    {
        var name = definition.Name ?? throw new ArgumentException("only named definitions are referenced", nameof(definition));
        if (queued.Add(name))
            pending.Enqueue(definition);
        return name;
    }

    /// <summary>Includes a schema given as JSON under a name (a custom resource's, already in this flavor's shape).</summary>
    public void IncludeJson(string name, JsonObject schema)
    {
        queued.Add(name);
        written[name] = schema;
    }

    public bool Contains(string name) => queued.Contains(name);

    /// <summary>All the definitions included, sorted by name.</summary>
    public JsonObject Build()
    {
        while (pending.TryDequeue(out var definition))
            written[definition.Name!] = Definition(definition);
        var all = new JsonObject();
        foreach (var (name, schema) in written)
            all[name] = schema.DeepClone();
        return all;
    }

    private JsonObject Definition(SchemaDefinition definition)
    {
        var schema = new JsonObject();
        if (definition.Description is { } description)
            schema["description"] = description;
        schema["type"] = "object";
        if (definition.Required.Count > 0)
            schema["required"] = Strings(definition.Required);
        if (definition.Properties.Count > 0)
        {
            var properties = new JsonObject();
            foreach (var (name, field) in definition.Properties)
                properties[name] = Node(field, withDescription: true);
            schema["properties"] = properties;
        }
        if (definition.GroupVersionKinds.Count > 0)
            schema["x-kubernetes-group-version-kind"] = GroupVersionKinds(definition.GroupVersionKinds);
        return schema;
    }

    /// <summary>A value's schema: a reference to its object type, or the type written out.</summary>
    public JsonObject Node(SchemaNode node, bool withDescription)
    {
        var extensions = Extensions(node);
        var description = withDescription ? node.Description : null;
        if (node.Definition is { Name: { } } definition && node.AdditionalProperties is null)
        {
            var siblings = new JsonObject();
            if (description is not null)
                siblings["description"] = description;
            foreach (var (key, value) in extensions)
                siblings[key] = value?.DeepClone();
            return flavor.DescribedRef(Include(definition), siblings);
        }
        var schema = new JsonObject();
        if (description is not null)
            schema["description"] = description;
        if (node.Type is { } type)
            schema["type"] = type;
        // "quantity" is this catalog's own mark; upstream's Quantity is a plain string.
        if (node.Format is { } format && format != "quantity")
            schema["format"] = format;
        if (node.Items is { } items)
            schema["items"] = Node(items, withDescription: false);
        if (node.AdditionalProperties is { } values)
            schema["additionalProperties"] = Node(values, withDescription: false);
        if (node.PreservesUnknownFields)
            schema["x-kubernetes-preserve-unknown-fields"] = true;
        foreach (var (key, value) in extensions)
            schema[key] = value?.DeepClone();
        return schema;
    }

    private static JsonObject Extensions(SchemaNode node)
    {
        var extensions = new JsonObject();
        if (node.ListMapKeys.Count > 0)
            extensions["x-kubernetes-list-map-keys"] = Strings(node.ListMapKeys);
        if (node.ListType is { } listType)
            extensions["x-kubernetes-list-type"] = listType;
        if (node.PatchMergeKey is { } mergeKey)
            extensions["x-kubernetes-patch-merge-key"] = mergeKey;
        if (node.PatchStrategy is { } strategy)
            extensions["x-kubernetes-patch-strategy"] = strategy;
        return extensions;
    }

    public static JsonArray GroupVersionKinds(IEnumerable<GroupVersionKind> kinds) =>
        new(kinds.Select(kind => (JsonNode)GroupVersionKind(kind)).ToArray());

    public static JsonObject GroupVersionKind(GroupVersionKind kind) =>
        new() { ["group"] = kind.Group, ["kind"] = kind.Kind, ["version"] = kind.Version };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(value => (JsonNode)value).ToArray());
}
