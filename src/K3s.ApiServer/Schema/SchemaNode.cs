using K3s.ApiServer.Patching;

namespace K3s.ApiServer.Schema;

/// <summary>
/// The schema of one value where it appears: a field, an array's items or a map's values. It joins what
/// the place says (description, patch strategy and merge key, list type) to what the value is (a primitive
/// with its OpenAPI type and format, an array, a map, an object type, or anything). Field and Items make
/// it walkable the way a strategic merge patch walks an object.
/// </summary>
public sealed class SchemaNode : IPatchSchema
{
    private readonly string? description;
    private readonly string? documentationId;

    internal SchemaNode(string? type, string? format = null, string? description = null, string? documentationId = null)
    {
        Type = type;
        Format = format;
        this.description = description;
        this.documentationId = documentationId;
    }

    /// <summary>The OpenAPI type: object, array, string, integer, number, boolean; null for any JSON value.</summary>
    public string? Type { get; }

    /// <summary>The OpenAPI format: int32, int64, double, byte, date-time, int-or-string.</summary>
    public string? Format { get; }

    /// <summary>What this place holds, or failing that, what its type is.</summary>
    public string? Description =>
        description ?? (documentationId is null ? null : ModelDocumentation.Shared.Find(documentationId)) ?? Definition?.Description;

    /// <summary>The object type, for an object with known fields.</summary>
    public SchemaDefinition? Definition { get; internal init; }

    /// <summary>An array's element schema.</summary>
    public SchemaNode? Items { get; internal init; }

    /// <summary>A map's value schema (OpenAPI additionalProperties).</summary>
    public SchemaNode? AdditionalProperties { get; internal init; }

    public string? PatchStrategy { get; internal init; }

    public string? PatchMergeKey { get; internal init; }

    /// <summary>x-kubernetes-list-type: atomic, set or map.</summary>
    public string? ListType { get; internal init; }

    public IReadOnlyList<string> ListMapKeys { get; internal init; } = [];

    /// <summary>Any field is accepted (untyped JSON, RawExtension, x-kubernetes-preserve-unknown-fields).</summary>
    public bool PreservesUnknownFields { get; internal init; }

    /// <summary>x-kubernetes-embedded-resource: an object with its own apiVersion, kind and metadata.</summary>
    public bool EmbeddedResource { get; internal init; }

    public bool IsArray => Type == "array";

    public bool IsMap => AdditionalProperties is not null;

    /// <summary>The fields of an object; empty for anything else.</summary>
    public IReadOnlyDictionary<string, SchemaNode> Fields => Definition?.Properties ?? Empty;

    /// <summary>The schema of the value at key <paramref name="name"/>: a field of an object, or a map's value.</summary>
    public SchemaNode? Field(string name) =>
        Definition?.Properties.GetValueOrDefault(name) ?? AdditionalProperties;

    IPatchSchema? IPatchSchema.Field(string name) => Field(name);

    IPatchSchema? IPatchSchema.Items => Items;

    private static readonly Dictionary<string, SchemaNode> Empty = [];

    /// <summary>This node with the place's own facts: the field's description and patch metadata.</summary>
    internal SchemaNode At(string? documentationId, PatchMetadata.Entry? patch) => new(Type, Format, description, documentationId ?? this.documentationId)
    {
        Definition = Definition,
        Items = Items,
        AdditionalProperties = AdditionalProperties,
        PreservesUnknownFields = PreservesUnknownFields,
        EmbeddedResource = EmbeddedResource,
        PatchStrategy = patch?.Strategy ?? PatchStrategy,
        PatchMergeKey = patch?.MergeKey ?? PatchMergeKey,
        ListType = patch?.ListType ?? ListType,
        ListMapKeys = patch?.ListMapKeys ?? ListMapKeys,
    };
}
