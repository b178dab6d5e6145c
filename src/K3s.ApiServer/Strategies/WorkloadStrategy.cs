using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Strategies;

/// <summary>
/// Deployments, ReplicaSets, StatefulSets and DaemonSets: a selector that matches the pod template's
/// labels and never changes, a defaulted pod template, and each kind's own spec defaults.
/// </summary>
public sealed class WorkloadStrategy(Action<JsonObject> defaultSpec) : ResourceStrategy
{
    public static readonly WorkloadStrategy Deployment = new(spec =>
    {
        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        var strategy = spec["strategy"] as JsonObject ?? [];
        spec["strategy"] = strategy;
        strategy["type"] ??= "RollingUpdate";
        if ((string?)strategy["type"] == "RollingUpdate")
        {
            var rolling = strategy["rollingUpdate"] as JsonObject ?? [];
            strategy["rollingUpdate"] = rolling;
            rolling["maxSurge"] ??= "25%";
            rolling["maxUnavailable"] ??= "25%";
        }
    });

    public static readonly WorkloadStrategy ReplicaSet = new(spec => spec["replicas"] ??= 1);

    public static readonly WorkloadStrategy StatefulSet = new(spec =>
    {
        spec["replicas"] ??= 1;
        spec["podManagementPolicy"] ??= "OrderedReady";
        spec["revisionHistoryLimit"] ??= 10;
        spec["persistentVolumeClaimRetentionPolicy"] ??= new JsonObject { ["whenDeleted"] = "Retain", ["whenScaled"] = "Retain" };
        var strategy = spec["updateStrategy"] as JsonObject ?? [];
        spec["updateStrategy"] = strategy;
        strategy["type"] ??= "RollingUpdate";
        if ((string?)strategy["type"] == "RollingUpdate")
            strategy["rollingUpdate"] ??= new JsonObject { ["partition"] = 0 };
    });

    public static readonly WorkloadStrategy DaemonSet = new(spec =>
    {
        spec["revisionHistoryLimit"] ??= 10;
        var strategy = spec["updateStrategy"] as JsonObject ?? [];
        spec["updateStrategy"] = strategy;
        strategy["type"] ??= "RollingUpdate";
        if ((string?)strategy["type"] == "RollingUpdate")
            strategy["rollingUpdate"] ??= new JsonObject { ["maxSurge"] = 0, ["maxUnavailable"] = 1 };
    });

    public override void PrepareForCreate(JsonObject item)
    {
        var spec = item["spec"] as JsonObject ?? [];
        item["spec"] = spec;
        defaultSpec(spec);
        if (JsonPaths.Get(spec, "template.spec") is JsonObject podSpec)
            PodSpecDefaults.Apply(podSpec);
    }

    public override void PrepareForUpdate(JsonObject item, JsonObject old) => PrepareForCreate(item);

    public override IEnumerable<(string Field, string Message)> Validate(JsonObject item)
    {
        var selector = JsonPaths.Get(item, "spec.selector") as JsonObject;
        if (selector is null || selector.Count == 0)
            yield return ("spec.selector", "Required value");
        else if (!LabelSelector.FromObject(selector).MatchesLabels(JsonPaths.Get(item, "spec.template.metadata.labels") as JsonObject))
            yield return ("spec.template.metadata.labels", $"Invalid value: {JsonPaths.Get(item, "spec.template.metadata.labels")?.ToJsonString() ?? "null"}: `selector` does not match template `labels`");
        foreach (var cause in PodSpecDefaults.Validate(JsonPaths.Get(item, "spec.template.spec") as JsonObject, "spec.template.spec"))
            yield return cause;
        if (JsonPaths.GetLong(item, "spec.replicas") < 0)
            yield return ("spec.replicas", "Invalid value: must be greater than or equal to 0");
    }

    public override IEnumerable<(string Field, string Message)> ValidateUpdate(JsonObject item, JsonObject old) =>
        Unchanged(item, old, "spec.selector");
}
