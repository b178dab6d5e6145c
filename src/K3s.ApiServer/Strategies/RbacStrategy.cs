using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Strategies;

/// <summary>RBAC objects: path-segment names (colons allowed, as in "system:admin"), and a binding's role never changes.</summary>
public sealed class RbacStrategy : ResourceStrategy
{
    public static readonly RbacStrategy Instance = new();

    public override string? InvalidName(string name) =>
        name is "." or ".." ? $"may not be '{name}'"
        : name.IndexOfAny(['/', '%']) >= 0 ? "may not contain '/' or '%'"
        : name.Length == 0 ? "Required value" : null;

    public override IEnumerable<(string Field, string Message)> Validate(JsonObject item)
    {
        if (item["roleRef"] is null && (string?)item["kind"] is "RoleBinding" or "ClusterRoleBinding")
            yield return ("roleRef.name", "Required value");
    }

    public override IEnumerable<(string Field, string Message)> ValidateUpdate(JsonObject item, JsonObject old) =>
        old["roleRef"] is null ? [] : Unchanged(item, old, "roleRef").Select(c => (c.Field, "Invalid value: cannot change roleRef"));
}
