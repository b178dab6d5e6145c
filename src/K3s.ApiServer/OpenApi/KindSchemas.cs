using System.Text.Json.Nodes;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Schema;

namespace K3s.ApiServer.OpenApi;

/// <summary>
/// Where a served kind's schema comes from: a custom resource's own schema when one is given, else the
/// catalog of built-in kinds, else an object that takes any fields. Only catalog kinds take strategic
/// merge patches, as upstream serves them only for built-in kinds.
/// </summary>
public sealed class KindSchemas(SchemaCatalog catalog, Func<ResourceDefinition, JsonObject?>? customSchema)
{
    private const string ObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private const string ListMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";

    /// <summary>The definitions of a kind and its list in a document, and whether the kind is built in.</summary>
    public sealed record Names(string Kind, string List, bool BuiltIn);

    public SchemaCatalog Catalog => catalog;

    /// <summary>The kind's schema as a node to walk (unknown fields, patches); null if nothing is known of it.</summary>
    public SchemaNode? NodeFor(ResourceDefinition definition) =>
        customSchema?.Invoke(definition) is { } custom
            ? JsonSchemaNodes.ForKind(custom, catalog)
            : catalog.ForKind(definition.Group, definition.Version, definition.Kind);

    /// <summary>Adds the kind's definitions to a document's and names them.</summary>
    public Names Include(ResourceDefinition definition, SchemaJson schemas, OpenApiFlavor flavor)
    {
        var kind = new GroupVersionKind(definition.Group, definition.Version, definition.Kind);
        var custom = customSchema?.Invoke(definition);
        if (custom is null
            && catalog.DefinitionOfKind(definition.Group, definition.Version, definition.Kind) is { } modelled)
        {
            var listName = catalog.DefinitionOfKind(definition.Group, definition.Version, definition.ListKind) is { } list
                ? schemas.Include(list)
                : IncludeList(definition, DefinitionNames.ForCustomResource(definition.Group, definition.Version, definition.ListKind), schemas.Include(modelled), schemas, flavor);
            return new Names(schemas.Include(modelled), listName, BuiltIn: true);
        }
        var name = DefinitionNames.ForCustomResource(definition.Group, definition.Version, definition.Kind);
        var schema = custom?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        schema["type"] = "object";
        var properties = schema["properties"] as JsonObject ?? [];
        schema["properties"] = properties;
        properties["apiVersion"] ??= TypeMetaField("APIVersion defines the versioned schema of this representation of an object.");
        properties["kind"] ??= TypeMetaField("Kind is a string value representing the REST resource this object represents.");
        properties["metadata"] = flavor.DescribedRef(IncludeCatalog(ObjectMeta, schemas),
            new JsonObject { ["description"] = "Standard object's metadata." });
        schema["x-kubernetes-group-version-kind"] = SchemaJson.GroupVersionKinds([kind]);
        schemas.IncludeJson(name, schema);
        var listOf = IncludeList(definition, DefinitionNames.ForCustomResource(definition.Group, definition.Version, definition.ListKind), name, schemas, flavor);
        return new Names(name, listOf, BuiltIn: false);
    }

    private string IncludeList(ResourceDefinition definition, string name, string item, SchemaJson schemas, OpenApiFlavor flavor)
    {
        schemas.IncludeJson(name, new JsonObject
        {
            ["description"] = $"{definition.ListKind} is a list of {definition.Kind}",
            ["type"] = "object",
            ["required"] = new JsonArray("items"),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = TypeMetaField("APIVersion defines the versioned schema of this representation of an object."),
                ["items"] = new JsonObject { ["description"] = $"List of {definition.Plural}.", ["type"] = "array", ["items"] = flavor.Ref(item) },
                ["kind"] = TypeMetaField("Kind is a string value representing the REST resource this object represents."),
                ["metadata"] = flavor.DescribedRef(IncludeCatalog(ListMeta, schemas), new JsonObject { ["description"] = "Standard list metadata." }),
            },
            ["x-kubernetes-group-version-kind"] = SchemaJson.GroupVersionKinds([new GroupVersionKind(definition.Group, definition.Version, definition.ListKind)]),
        });
        return name;
    }

    /// <summary>Includes a catalog definition the documents always use (Status, DeleteOptions, ObjectMeta).</summary>
    public string IncludeCatalog(string name, SchemaJson schemas) =>
        catalog.Definition(name) is { } definition ? schemas.Include(definition) : name;

    private static JsonObject TypeMetaField(string description) => new() { ["description"] = description, ["type"] = "string" };
}
