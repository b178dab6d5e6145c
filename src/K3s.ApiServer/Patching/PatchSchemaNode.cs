namespace K3s.ApiServer.Patching;

/// <summary>An <see cref="IPatchSchema"/> held in memory, built by hand (tests) or by adapters from other schemas.</summary>
public sealed record PatchSchemaNode : IPatchSchema
{
    private static readonly IReadOnlyDictionary<string, IPatchSchema> NoFields = new Dictionary<string, IPatchSchema>();

    /// <summary>The properties of an object, by JSON name.</summary>
    public IReadOnlyDictionary<string, IPatchSchema> Fields { get; init; } = NoFields;

    public IPatchSchema? Items { get; init; }

    public string? PatchStrategy { get; init; }

    public string? PatchMergeKey { get; init; }

    public IPatchSchema? Field(string name) => Fields.TryGetValue(name, out var field) ? field : null;

    /// <summary>An object with the given properties.</summary>
    public static PatchSchemaNode Object(params (string Name, IPatchSchema Schema)[] fields) =>
        new() { Fields = fields.ToDictionary(field => field.Name, field => field.Schema) };

    /// <summary>A map (additionalProperties) whose values all have one schema.</summary>
    public static PatchSchemaNode MapOf(IPatchSchema values) => new() { Items = values };

    /// <summary>A list of objects merged item by item on <paramref name="mergeKey"/>.</summary>
    public static PatchSchemaNode MergeList(string mergeKey, IPatchSchema items, bool retainKeys = false) =>
        new() { Items = items, PatchMergeKey = mergeKey, PatchStrategy = retainKeys ? "merge,retainKeys" : "merge" };

    /// <summary>A list of strings or numbers merged as a set.</summary>
    public static PatchSchemaNode PrimitiveSet() => new() { PatchStrategy = "merge" };
}
