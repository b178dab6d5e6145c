namespace K3s.Controllers.Scheduling;

/// <summary>Where the pod goes, or why it cannot go anywhere (the FailedScheduling message).</summary>
public sealed record ScheduleResult(string? NodeName, string? FailureMessage)
{
    public static ScheduleResult On(string node) => new(node, null);

    public static ScheduleResult Unschedulable(string message) => new(null, message);
}
