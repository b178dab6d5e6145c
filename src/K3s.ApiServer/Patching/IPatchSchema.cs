namespace K3s.ApiServer.Patching;

/// <summary>
/// What a strategic merge patch needs to know about one position in an object: its fields, its items
/// and how it is patched. The patcher depends only on this, not on where the schema comes from
/// (hand-built nodes, OpenAPI, Go-style struct tags).
/// </summary>
public interface IPatchSchema
{
    /// <summary>The schema of a property of this object; null when the name is unknown (then map values,
    /// see <see cref="Items"/>, are asked; failing both, the field merges as plain JSON).</summary>
    IPatchSchema? Field(string name);

    /// <summary>For a list: the schema of its items. For a map (additionalProperties): the schema of its values.</summary>
    IPatchSchema? Items { get; }

    /// <summary>x-kubernetes-patch-strategy: null, "merge", "replace", "retainKeys" or "merge,retainKeys".</summary>
    string? PatchStrategy { get; }

    /// <summary>x-kubernetes-patch-merge-key of a list of objects, e.g. "name", "containerPort", "mountPath".</summary>
    string? PatchMergeKey { get; }
}
