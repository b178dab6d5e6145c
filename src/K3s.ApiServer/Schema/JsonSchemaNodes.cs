using System.Text.Json.Nodes;

namespace K3s.ApiServer.Schema;

/// <summary>
/// A custom resource's structural schema (a CRD version's openAPIV3Schema) as a <see cref="SchemaNode"/>,
/// so that unknown-field checks and patches walk custom resources the way they walk built-in kinds.
/// metadata is ObjectMeta whatever the schema says, as the API server treats it.
/// </summary>
public static class JsonSchemaNodes
{
    public static SchemaNode ForKind(JsonObject schema, SchemaCatalog catalog)
    {
        var node = From(schema);
        var metadata = catalog.Definition("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        if (metadata is null || node.Definition is null)
            return node;
        var fields = node.Definition.Properties.ToDictionary();
        fields["metadata"] = new SchemaNode("object") { Definition = metadata };
        fields.TryAdd("apiVersion", new SchemaNode("string"));
        fields.TryAdd("kind", new SchemaNode("string"));
        var definition = new SchemaDefinition(null, node.Definition.Description) { Required = node.Definition.Required };
        definition.SetProperties(fields);
        return new SchemaNode("object", description: node.Description) { Definition = definition, PreservesUnknownFields = node.PreservesUnknownFields };
    }

    public static SchemaNode From(JsonObject schema)
    {
        var type = (string?)schema["type"];
        var intOrString = schema["x-kubernetes-int-or-string"] is JsonValue flag && flag.GetValueKind() == System.Text.Json.JsonValueKind.True;
        var preserve = IsTrue(schema["x-kubernetes-preserve-unknown-fields"]) || (type is null && !intOrString && schema["properties"] is null);
        SchemaDefinition? definition = null;
        if (schema["properties"] is JsonObject properties)
        {
            definition = new SchemaDefinition(null, (string?)schema["description"])
            {
                Required = schema["required"] is JsonArray required ? required.Select(name => (string?)name).OfType<string>().ToList() : [],
            };
            definition.SetProperties(properties.Where(property => property.Value is JsonObject)
                .Select(property => KeyValuePair.Create(property.Key, From((JsonObject)property.Value!))));
        }
        return new SchemaNode(intOrString ? "string" : type, intOrString ? "int-or-string" : (string?)schema["format"], (string?)schema["description"])
        {
            Definition = definition,
            Items = schema["items"] is JsonObject items ? From(items) : null,
            AdditionalProperties = schema["additionalProperties"] switch
            {
                JsonObject values => From(values),
                JsonValue allowed when IsTrue(allowed) => new SchemaNode(null) { PreservesUnknownFields = true },
                _ => null,
            },
            PreservesUnknownFields = preserve,
            EmbeddedResource = IsTrue(schema["x-kubernetes-embedded-resource"]),
            ListType = (string?)schema["x-kubernetes-list-type"],
            ListMapKeys = schema["x-kubernetes-list-map-keys"] is JsonArray keys ? keys.Select(key => (string?)key).OfType<string>().ToList() : [],
            PatchStrategy = (string?)schema["x-kubernetes-patch-strategy"],
            PatchMergeKey = (string?)schema["x-kubernetes-patch-merge-key"],
        };
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.True;
}
