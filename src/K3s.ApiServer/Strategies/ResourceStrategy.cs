using System.Text.Json.Nodes;

namespace K3s.ApiServer.Strategies;

/// <summary>
/// What is particular to a kind on create and update: defaults it fills in and the rules it checks.
/// The generic store does everything else.
/// </summary>
public class ResourceStrategy
{
    /// <summary>Names are DNS-1123 subdomains unless a kind says otherwise.</summary>
    public virtual string? InvalidName(string name) => NameRules.NotASubdomain(name);

    /// <summary>Fills in defaults of a new object.</summary>
    public virtual void PrepareForCreate(JsonObject item) { }

    /// <summary>Fills in defaults of a replacement; <paramref name="old"/> is the stored object.</summary>
    public virtual void PrepareForUpdate(JsonObject item, JsonObject old) => PrepareForCreate(item);

    /// <summary>The field errors of an object about to be stored (field path, message).</summary>
    public virtual IEnumerable<(string Field, string Message)> Validate(JsonObject item) => [];

    /// <summary>The field errors of a replacement beyond <see cref="Validate"/>: fields that may not change.</summary>
    public virtual IEnumerable<(string Field, string Message)> ValidateUpdate(JsonObject item, JsonObject old) => [];

    /// <summary>
    /// Whether a kind with a status subresource starts with an empty status (most do: controllers
    /// write it); nodes keep the status their kubelet registers them with.
    /// </summary>
    public virtual bool ResetsStatusOnCreate => true;

    /// <summary>
    /// Finalizers besides metadata.finalizers that hold a deleted object back (a namespace's
    /// spec.finalizers, which its controller clears through /finalize once the namespace is empty).
    /// </summary>
    public virtual bool HasOwnFinalizers(JsonObject item) => false;

    /// <summary>Marks an object whose deletion waits for finalizers (a namespace turns Terminating).</summary>
    public virtual void PrepareForDeletion(JsonObject item) { }

    public static readonly ResourceStrategy Default = new();

    /// <summary>The message upstream gives when an immutable field changes.</summary>
    public const string Immutable = "Invalid value: field is immutable";

    /// <summary>A cause for each of these fields (dotted paths) that differs between the objects.</summary>
    protected static IEnumerable<(string Field, string Message)> Unchanged(JsonObject item, JsonObject old, params string[] paths) =>
        paths.Where(path => !JsonNode.DeepEquals(Machinery.JsonPaths.Get(item, path), Machinery.JsonPaths.Get(old, path)))
            .Select(path => (path, Immutable));
}
