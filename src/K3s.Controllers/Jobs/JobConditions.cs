using k8s.Models;

namespace K3s.Controllers.Jobs;

/// <summary>A Job's conditions: Complete or Failed (true) mark it finished for good; Suspended tracks spec.suspend.</summary>
public static class JobConditions
{
    public const string Complete = "Complete";
    public const string Failed = "Failed";
    public const string Suspended = "Suspended";

    /// <summary>Complete or Failed if the Job finished; null while it runs.</summary>
    public static string? FinishedAs(V1Job job) =>
        job.Status?.Conditions?.FirstOrDefault(condition => condition.Type is Complete or Failed && condition.Status == "True")?.Type;

    /// <summary>When it finished: completionTime for a complete Job, the Failed condition's transition for a failed one.</summary>
    public static DateTime? FinishedAt(V1Job job) => FinishedAs(job) switch
    {
        Complete => job.Status.CompletionTime ?? Get(job.Status, Complete)?.LastTransitionTime,
        Failed => Get(job.Status, Failed)?.LastTransitionTime,
        _ => null,
    };

    public static V1JobCondition? Get(V1JobStatus? status, string type) =>
        status?.Conditions?.FirstOrDefault(condition => condition.Type == type);

    /// <summary>Sets a condition; its transition time moves only when its status changes, as upstream.</summary>
    public static void Set(V1JobStatus status, string type, string value, string reason, string message, DateTime now)
    {
        var existing = Get(status, type);
        if (existing is not null && existing.Status == value && existing.Reason == reason && existing.Message == message)
            return;
        var condition = new V1JobCondition
        {
            Type = type,
            Status = value,
            Reason = reason,
            Message = message,
            LastProbeTime = now,
            LastTransitionTime = existing is not null && existing.Status == value ? existing.LastTransitionTime : now,
        };
        status.Conditions = (status.Conditions ?? []).Where(c => c.Type != type).Append(condition).ToList();
    }
}
