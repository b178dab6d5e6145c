namespace K3s.ApiServer.Schema;

/// <summary>
/// An object type and its fields: a named one ("io.k8s.api.apps.v1.DeploymentSpec") that documents
/// reference, or an inline one from a custom resource's schema (no name).
/// </summary>
public sealed class SchemaDefinition
{
    private readonly string? description;
    private readonly string? documentationId;
    private Dictionary<string, SchemaNode> properties = new(StringComparer.Ordinal);

    internal SchemaDefinition(string? name, string? description = null, string? documentationId = null)
    {
        Name = name;
        this.description = description;
        this.documentationId = documentationId;
    }

    /// <summary>The upstream definition name, or null for an inline object.</summary>
    public string? Name { get; }

    public string? Description => description ?? (documentationId is null ? null : ModelDocumentation.Shared.Find(documentationId));

    /// <summary>The fields by JSON name, in the order documents list them.</summary>
    public IReadOnlyDictionary<string, SchemaNode> Properties => properties;

    public IReadOnlyList<string> Required { get; internal set; } = [];

    /// <summary>The kinds this type is the body of; empty for types that only appear inside others.</summary>
    public IReadOnlyList<GroupVersionKind> GroupVersionKinds { get; internal set; } = [];

    internal void SetProperties(IEnumerable<KeyValuePair<string, SchemaNode>> fields) =>
        properties = new Dictionary<string, SchemaNode>(fields.OrderBy(field => field.Key, StringComparer.Ordinal), StringComparer.Ordinal);
}
