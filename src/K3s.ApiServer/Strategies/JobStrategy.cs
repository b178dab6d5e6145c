using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Strategies;

/// <summary>
/// Jobs: a selector generated from the job's uid (and labels on its template that match it), the
/// upstream spec defaults, and a template whose pods restart Never or OnFailure.
/// </summary>
public sealed class JobStrategy : ResourceStrategy
{
    public const string ControllerUid = "batch.kubernetes.io/controller-uid";
    public const string JobName = "batch.kubernetes.io/job-name";

    public override void PrepareForCreate(JsonObject item)
    {
        var spec = item["spec"] as JsonObject ?? [];
        item["spec"] = spec;
        DefaultSpec(spec);
        if (JsonPaths.Get(spec, "manualSelector") is JsonValue manual && manual.TryGetValue<bool>(out var isManual) && isManual)
            return;
        var uid = JsonPaths.GetString(item, "metadata.uid");
        var name = JsonPaths.GetString(item, "metadata.name");
        spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { [ControllerUid] = uid } };
        var template = spec["template"] as JsonObject ?? [];
        spec["template"] = template;
        var metadata = template["metadata"] as JsonObject ?? [];
        template["metadata"] = metadata;
        var labels = metadata["labels"] as JsonObject ?? [];
        metadata["labels"] = labels;
        labels[ControllerUid] = uid;
        labels[JobName] = name;
        labels["controller-uid"] = uid;
        labels["job-name"] = name;
    }

    public override void PrepareForUpdate(JsonObject item, JsonObject old)
    {
        if (item["spec"] is JsonObject spec)
            DefaultSpec(spec);
    }

    /// <summary>The defaults a Job's spec and its template get (shared with a CronJob's jobTemplate).</summary>
    public static void DefaultSpec(JsonObject spec)
    {
        spec["parallelism"] ??= 1;
        if (spec["completions"] is null && JsonPaths.GetLong(spec, "parallelism", 1) == 1)
            spec["completions"] = 1;
        spec["backoffLimit"] ??= 6;
        spec["completionMode"] ??= "NonIndexed";
        spec["suspend"] ??= false;
        spec["podReplacementPolicy"] ??= "TerminatingOrFailed";
        if (JsonPaths.Get(spec, "template.spec") is JsonObject podSpec)
            PodSpecDefaults.Apply(podSpec);
    }

    public override IEnumerable<(string Field, string Message)> Validate(JsonObject item) => ValidateSpec(item["spec"] as JsonObject, "spec");

    public static IEnumerable<(string Field, string Message)> ValidateSpec(JsonObject? spec, string path)
    {
        var restart = JsonPaths.GetString(spec, "template.spec.restartPolicy");
        if (restart is not ("Never" or "OnFailure"))
            yield return ($"{path}.template.spec.restartPolicy", $"Unsupported value: \"{restart}\": supported values: \"OnFailure\", \"Never\"");
        foreach (var cause in PodSpecDefaults.Validate(JsonPaths.Get(spec, "template.spec") as JsonObject, path + ".template.spec"))
            yield return cause;
    }

    public override IEnumerable<(string Field, string Message)> ValidateUpdate(JsonObject item, JsonObject old) =>
        Unchanged(item, old, "spec.selector", "spec.template", "spec.completions", "spec.completionMode");
}
