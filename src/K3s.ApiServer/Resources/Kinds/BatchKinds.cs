using System.Globalization;
using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Strategies;
using K3s.ApiServer.Tables;

namespace K3s.ApiServer.Resources.Kinds;

/// <summary>batch/v1: Jobs and CronJobs with the columns kubectl 1.32 shows.</summary>
public static class BatchKinds
{
    public static IEnumerable<ResourceDefinition> All() =>
    [
        new ResourceDefinition("batch", "v1", "Job", "jobs", true, [], new JobStrategy())
        {
            HasStatus = true,
            TracksGeneration = true,
            Categories = ["all"],
            Columns =
            [
                new("Status", "Status of the job.", JobStatus),
                new("Completions", "The completion status of the job.", JobCompletions),
                new("Duration", "string", "Time required to complete the job.", JobDuration),
                .. Cells.TemplateContainers("spec.template.spec"),
                Cells.SelectorColumn(),
            ],
        },
        new ResourceDefinition("batch", "v1", "CronJob", "cronjobs", true, ["cj"], new CronJobStrategy())
        {
            HasStatus = true,
            TracksGeneration = true,
            Categories = ["all"],
            Columns =
            [
                TableColumn.FieldAt("Schedule", "spec.schedule", "The schedule in Cron format."),
                TableColumn.FieldAt("Timezone", "spec.timeZone", "The time zone of the schedule.", Cells.None),
                new("Suspend", "boolean", "Whether subsequent executions are suspended.", (item, _) => JsonPaths.Get(item, "spec.suspend")?.DeepClone() ?? false),
                new("Active", "integer", "The number of running jobs.", (item, _) => (JsonPaths.Get(item, "status.active") as JsonArray)?.Count ?? 0),
                TableColumn.AgeOf("Last Schedule", "status.lastScheduleTime", "When the job was last scheduled."),
                .. Cells.TemplateContainers("spec.jobTemplate.spec.template.spec"),
                Cells.SelectorColumn("spec.jobTemplate.spec.selector"),
            ],
        },
    ];

    /// <summary>The condition that ended the job, Suspended, Terminating, or Running (kubectl 1.32's STATUS).</summary>
    private static string JobStatus(JsonObject job)
    {
        bool Has(string type) => JsonPaths.Objects(job, "status.conditions").Any(c => JsonPaths.GetString(c, "type") == type && JsonPaths.GetString(c, "status") == "True");
        return Has("Complete") ? "Complete"
            : Has("Failed") ? "Failed"
            : JsonPaths.Get(job, "metadata.deletionTimestamp") is not null ? "Terminating"
            : Has("FailureTarget") ? "FailureTarget"
            : Has("SuccessCriteriaMet") ? "SuccessCriteriaMet"
            : Has("Suspended") ? "Suspended"
            : "Running";
    }

    private static string JobCompletions(JsonObject job)
    {
        var succeeded = JsonPaths.GetLong(job, "status.succeeded");
        return JsonPaths.Get(job, "spec.completions") is not null
            ? $"{succeeded}/{JsonPaths.GetLong(job, "spec.completions")}"
            : $"{succeeded}/1 of {JsonPaths.GetLong(job, "spec.parallelism", 1)}";
    }

    private static JsonNode JobDuration(JsonObject job, DateTimeOffset now)
    {
        if (!TryTime(JsonPaths.GetString(job, "status.startTime"), out var start))
            return "";
        var end = TryTime(JsonPaths.GetString(job, "status.completionTime"), out var completed) ? completed : now;
        return HumanDuration.Format(end - start);
    }

    private static bool TryTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
}
