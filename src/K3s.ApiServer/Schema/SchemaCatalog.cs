using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace K3s.ApiServer.Schema;

/// <summary>
/// The schemas of Kubernetes' built-in kinds, made by reflection over KubernetesClient's models (which are
/// generated from upstream's OpenAPI), named and annotated as upstream publishes them. Built once, on first use.
/// </summary>
public sealed class SchemaCatalog
{
    private static readonly Lazy<SchemaCatalog> shared = new(() => new SchemaCatalog(typeof(V1Pod).Assembly));

    private readonly Dictionary<Type, SchemaDefinition> byType = [];
    private readonly Dictionary<string, SchemaDefinition> byName = new(StringComparer.Ordinal);
    private readonly Dictionary<GroupVersionKind, SchemaDefinition> byKind = [];

    public static SchemaCatalog Shared => shared.Value;

    private SchemaCatalog(Assembly models)
    {
        // Exported types only: GetTypes would also load every compiler-made type of the client (its request
        // methods' state machines and their generic types), which stay resident.
        var kinds = models.GetExportedTypes()
            .Where(type => type is { IsClass: true, IsPublic: true, IsGenericType: false, Namespace: "k8s.Models" })
            .Select(type => (Type: type, Entity: type.GetCustomAttribute<KubernetesEntityAttribute>()))
            .Where(found => found.Entity is not null && DefinitionNames.Parse(found.Type.Name) is not null)
            // The core group first: the types it shares with other groups (PodTemplateSpec) are its own.
            .OrderBy(found => found.Entity!.Group.Length == 0 ? 0 : 1).ThenBy(found => found.Entity!.Group, StringComparer.Ordinal)
            .ThenBy(found => found.Type.Name, StringComparer.Ordinal)
            .ToList();

        // First name every type the kinds reach, by the group of the first kind that reaches it, so that fields can refer to any.
        var groups = new Dictionary<Type, string>();
        foreach (var (type, entity) in kinds)
            Reach(type, entity!.Group, groups);
        foreach (var (type, group) in groups)
        {
            if (DefinitionNames.For(type.Name, group) is not { } name || byName.ContainsKey(name))
                continue;
            var definition = new SchemaDefinition(name, documentationId: ModelDocumentation.TypeId(type)) { Required = RequiredOf(type, name) };
            byType[type] = definition;
            byName[name] = definition;
        }
        foreach (var (type, definition) in byType)
            definition.SetProperties(FieldsOf(type, definition.Name!));
        foreach (var (type, entity) in kinds)
        {
            if (!byType.TryGetValue(type, out var definition))
                continue;
            var kind = new GroupVersionKind(entity!.Group, entity.ApiVersion, entity.Kind);
            byKind.TryAdd(kind, definition);
            definition.GroupVersionKinds = [.. definition.GroupVersionKinds, kind];
        }
    }

    /// <summary>Every named definition, by its upstream name.</summary>
    public IReadOnlyDictionary<string, SchemaDefinition> Definitions => byName;

    public SchemaDefinition? Definition(string name) => byName.GetValueOrDefault(name);

    /// <summary>The schema of a kind's objects, or null if KubernetesClient does not model that kind.</summary>
    public SchemaNode? ForKind(string group, string version, string kind) =>
        byKind.TryGetValue(new GroupVersionKind(group, version, kind), out var definition) ? new SchemaNode("object") { Definition = definition } : null;

    public SchemaDefinition? DefinitionOfKind(string group, string version, string kind) =>
        byKind.GetValueOrDefault(new GroupVersionKind(group, version, kind));

    private static void Reach(Type type, string group, Dictionary<Type, string> groups)
    {
        if (!groups.TryAdd(type, group))
            return;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            foreach (var model in ModelsIn(property.PropertyType))
                Reach(model, group, groups);
    }

    /// <summary>The model types a property's type mentions: itself, or a list's or map's element.</summary>
    private static IEnumerable<Type> ModelsIn(Type type)
    {
        if (Element(type) is { } element)
            return ModelsIn(element);
        return IsModel(type) ? [type] : [];
    }

    private static bool IsModel(Type type) =>
        type is { IsClass: true, Namespace: "k8s.Models" } && type != typeof(IntOrString) && type != typeof(ResourceQuantity)
        && DefinitionNames.Parse(type.Name) is not null;

    /// <summary>The element type of a list or the value type of a string-keyed map.</summary>
    private static Type? Element(Type type)
    {
        if (type == typeof(string) || type == typeof(byte[]))
            return null;
        if (Dictionary(type) is { } value)
            return value;
        if (type.IsArray)
            return type.GetElementType();
        return type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0] : null;
    }

    private static Type? Dictionary(Type type)
    {
        var map = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return map?.GetGenericArguments() is [var key, var value] && key == typeof(string) ? value : null;
    }

    private IEnumerable<KeyValuePair<string, SchemaNode>> FieldsOf(Type type, string definition)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name is not { } json)
                continue;
            var node = NodeFor(property.PropertyType).At(ModelDocumentation.PropertyId(type, property.Name), PatchMetadata.Find(definition, json));
            yield return new(json, node);
        }
    }

    /// <summary>The schema of a CLR type as KubernetesClient maps upstream's OpenAPI types to it.</summary>
    private SchemaNode NodeFor(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
            return new SchemaNode("string");
        if (type == typeof(bool))
            return new SchemaNode("boolean");
        if (type == typeof(int))
            return new SchemaNode("integer", "int32");
        if (type == typeof(long))
            return new SchemaNode("integer", "int64");
        if (type == typeof(double) || type == typeof(float))
            return new SchemaNode("number", "double");
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
            return new SchemaNode("string", "date-time");
        if (type == typeof(byte[]))
            return new SchemaNode("string", "byte");
        if (type == typeof(IntOrString))
            return new SchemaNode("string", "int-or-string");
        if (type == typeof(ResourceQuantity))
            return new SchemaNode("string", "quantity");
        if (Dictionary(type) is { } value)
            return new SchemaNode("object") { AdditionalProperties = NodeFor(value) };
        if (Element(type) is { } element)
            return new SchemaNode("array") { Items = NodeFor(element) };
        if (byType.TryGetValue(type, out var definition))
            return new SchemaNode("object") { Definition = definition };
        // object, JsonElement: upstream's RawExtension and JSON, whatever the client sends.
        if (type == typeof(object) || type == typeof(JsonElement))
            return new SchemaNode(null) { PreservesUnknownFields = true };
        return new SchemaNode("object") { PreservesUnknownFields = true };
    }

    private static IReadOnlyList<string> RequiredOf(Type type, string name)
    {
        var required = RequiredFields.Of(name);
        // Lists always carry their items.
        if (required.Count == 0 && type.Name.EndsWith("List", StringComparison.Ordinal) && type.GetProperty("Items") is not null)
            return ["items"];
        return required;
    }
}
