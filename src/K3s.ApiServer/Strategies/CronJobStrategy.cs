using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Strategies;

/// <summary>CronJobs: a five-field schedule, upstream's policy defaults, and a job template defaulted like a Job.</summary>
public sealed class CronJobStrategy : ResourceStrategy
{
    public override string? InvalidName(string name) =>
        name.Length > 52 ? "must be no more than 52 characters" : NameRules.NotASubdomain(name);

    public override void PrepareForCreate(JsonObject item)
    {
        var spec = item["spec"] as JsonObject ?? [];
        item["spec"] = spec;
        spec["concurrencyPolicy"] ??= "Allow";
        spec["suspend"] ??= false;
        spec["successfulJobsHistoryLimit"] ??= 3;
        spec["failedJobsHistoryLimit"] ??= 1;
        if (JsonPaths.Get(spec, "jobTemplate.spec") is JsonObject jobSpec)
            JobStrategy.DefaultSpec(jobSpec);
    }

    public override IEnumerable<(string Field, string Message)> Validate(JsonObject item)
    {
        var schedule = JsonPaths.GetString(item, "spec.schedule");
        if (string.IsNullOrWhiteSpace(schedule))
            yield return ("spec.schedule", "Required value");
        else if (!schedule.StartsWith('@') && schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5)
            yield return ("spec.schedule", $"Invalid value: \"{schedule}\": expected exactly 5 fields, found {schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length}: [{schedule}]");
        foreach (var cause in JobStrategy.ValidateSpec(JsonPaths.Get(item, "spec.jobTemplate.spec") as JsonObject, "spec.jobTemplate.spec"))
            yield return cause;
    }
}
