using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Strategies;

/// <summary>
/// Pods: a defaulted spec, the tolerations the DefaultTolerationSeconds admission adds, born Pending
/// with a QoS class; once created only images, tolerations (added) and deadlines may change.
/// </summary>
public sealed class PodStrategy(DefaultTolerationSeconds? tolerations = null) : ResourceStrategy
{
    private readonly DefaultTolerationSeconds defaultTolerations = tolerations ?? new DefaultTolerationSeconds();

    public override void PrepareForCreate(JsonObject item)
    {
        var spec = item["spec"] as JsonObject ?? [];
        item["spec"] = spec;
        PodSpecDefaults.Apply(spec);
        spec["priority"] ??= 0;
        spec["preemptionPolicy"] ??= "PreemptLowerPriority";
        defaultTolerations.Apply(spec);
        item["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(spec) };
    }

    public override void PrepareForUpdate(JsonObject item, JsonObject old)
    {
        if (item["spec"] is JsonObject spec)
            PodSpecDefaults.Apply(spec);
    }

    public override IEnumerable<(string Field, string Message)> Validate(JsonObject item) =>
        PodSpecDefaults.Validate(item["spec"] as JsonObject, "spec");

    /// <summary>Everything but the mutable fields must equal the stored spec.</summary>
    public override IEnumerable<(string Field, string Message)> ValidateUpdate(JsonObject item, JsonObject old)
    {
        if (!JsonNode.DeepEquals(Immutables(item), Immutables(old)))
            yield return ("spec", "Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
    }

    private static JsonNode Immutables(JsonObject pod)
    {
        var spec = pod["spec"]?.DeepClone() as JsonObject ?? [];
        foreach (var container in JsonPaths.Objects(spec, "containers").Concat(JsonPaths.Objects(spec, "initContainers")))
            container.Remove("image");
        spec.Remove("activeDeadlineSeconds");
        spec.Remove("tolerations");
        spec.Remove("terminationGracePeriodSeconds");
        // The binding subresource sets the node once.
        if (JsonPaths.GetString(pod, "spec.nodeName") is null)
            spec.Remove("nodeName");
        return spec;
    }

    /// <summary>Guaranteed when every container's requests equal its cpu and memory limits; BestEffort with none at all.</summary>
    private static string QosClass(JsonObject spec)
    {
        var containers = JsonPaths.Objects(spec, "containers").Concat(JsonPaths.Objects(spec, "initContainers")).ToList();
        var any = containers.Any(c => JsonPaths.Get(c, "resources.requests") is JsonObject { Count: > 0 } || JsonPaths.Get(c, "resources.limits") is JsonObject { Count: > 0 });
        if (!any)
            return "BestEffort";
        var guaranteed = containers.All(c => new[] { "cpu", "memory" }.All(resource =>
        {
            var limit = JsonPaths.GetString(c, $"resources.limits.{resource}");
            var request = JsonPaths.GetString(c, $"resources.requests.{resource}") ?? limit;
            return limit is not null && request == limit;
        }));
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
