using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Strategies;

/// <summary>
/// CustomResourceDefinitions: named PLURAL.GROUP, one storage version, names defaulted; accepted and
/// established as soon as they are stored, since this server starts serving them at once.
/// </summary>
public sealed class CustomResourceDefinitionStrategy : ResourceStrategy
{
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    public override void PrepareForCreate(JsonObject item)
    {
        var spec = item["spec"] as JsonObject ?? [];
        item["spec"] = spec;
        var names = spec["names"] as JsonObject ?? [];
        spec["names"] = names;
        var kind = (string?)(names["kind"] as JsonValue) ?? "";
        names["singular"] ??= kind.ToLowerInvariant();
        names["listKind"] ??= kind + "List";
        spec["conversion"] ??= new JsonObject { ["strategy"] = "None" };
        // Its objects are deleted before it goes (CustomResources/CustomResourceRegistrar).
        var metadata = (JsonObject)item["metadata"]!;
        var finalizers = metadata["finalizers"] as JsonArray ?? [];
        if (!finalizers.Any(f => f?.ToString() == CleanupFinalizer))
            finalizers.Add(CleanupFinalizer);
        metadata["finalizers"] = finalizers;
        var storage = JsonPaths.Objects(spec, "versions").FirstOrDefault(IsStorage);
        item["status"] = new JsonObject
        {
            ["acceptedNames"] = names.DeepClone(),
            ["conditions"] = new JsonArray(Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
            ["storedVersions"] = new JsonArray((string?)storage?["name"]),
        };
    }

    public override void PrepareForUpdate(JsonObject item, JsonObject old)
    {
        var stored = JsonPaths.Get(old, "status.storedVersions") as JsonArray;
        var finalizers = JsonPaths.Get(item, "metadata.finalizers")?.DeepClone();
        PrepareForCreate(item);
        // Removing the cleanup finalizer is how a deletion finishes; an update must not add it back.
        var metadata = (JsonObject)item["metadata"]!;
        if (finalizers is null)
            metadata.Remove("finalizers");
        else
            metadata["finalizers"] = finalizers;
        // A version that ever held objects stays recorded as stored.
        var versions = (JsonArray)JsonPaths.Get(item, "status.storedVersions")!;
        foreach (var version in stored?.Select(v => v?.ToString()) ?? [])
        {
            if (!versions.Any(v => v?.ToString() == version))
                versions.Insert(0, version);
        }
    }

    public override IEnumerable<(string Field, string Message)> Validate(JsonObject item)
    {
        var group = JsonPaths.GetString(item, "spec.group");
        var plural = JsonPaths.GetString(item, "spec.names.plural");
        var name = JsonPaths.GetString(item, "metadata.name");
        if (string.IsNullOrEmpty(group) || !group.Contains('.'))
            yield return ("spec.group", $"Invalid value: \"{group}\": should be a domain with at least one dot");
        if (string.IsNullOrEmpty(plural))
            yield return ("spec.names.plural", "Required value");
        if (string.IsNullOrEmpty(JsonPaths.GetString(item, "spec.names.kind")))
            yield return ("spec.names.kind", "Required value");
        if (name != $"{plural}.{group}")
            yield return ("metadata.name", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group");
        if (JsonPaths.GetString(item, "spec.scope") is not ("Namespaced" or "Cluster"))
            yield return ("spec.scope", $"Unsupported value: \"{JsonPaths.GetString(item, "spec.scope")}\": supported values: \"Cluster\", \"Namespaced\"");
        var versions = JsonPaths.Objects(item, "spec.versions").ToList();
        if (versions.Count == 0)
            yield return ("spec.versions", "Invalid value: must have exactly one version marked as storage version");
        else if (versions.Count(IsStorage) != 1)
            yield return ("spec.versions", "Invalid value: must have exactly one version marked as storage version");
    }

    public override IEnumerable<(string Field, string Message)> ValidateUpdate(JsonObject item, JsonObject old) =>
        Unchanged(item, old, "spec.group", "spec.names.plural", "spec.scope");

    private static bool IsStorage(JsonObject version) => version["storage"] is JsonValue flag && flag.TryGetValue<bool>(out var storage) && storage;

    private static JsonObject Condition(string type, string reason, string message) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["reason"] = reason,
        ["message"] = message,
    };
}
