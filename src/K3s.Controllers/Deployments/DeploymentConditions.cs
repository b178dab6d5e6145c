using k8s.Models;

namespace K3s.Controllers.Deployments;

/// <summary>The Available and Progressing conditions, with upstream's reasons and its rule for timestamps.</summary>
public static class DeploymentConditions
{
    public const string Available = "Available";
    public const string Progressing = "Progressing";

    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";
    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";
    public const string NewReplicaSetCreated = "NewReplicaSetCreated";
    public const string FoundNewReplicaSet = "FoundNewReplicaSet";
    public const string ReplicaSetUpdated = "ReplicaSetUpdated";
    /// <summary>What `kubectl rollout status` and `kubectl wait` read as a finished rollout.</summary>
    public const string NewReplicaSetAvailable = "NewReplicaSetAvailable";
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";

    public static V1DeploymentCondition? Get(V1DeploymentStatus? status, string type) =>
        status?.Conditions?.FirstOrDefault(condition => condition.Type == type);

    public static V1DeploymentCondition New(string type, bool isTrue, string reason, string message, DateTime now) => new()
    {
        Type = type,
        Status = isTrue ? "True" : "False",
        Reason = reason,
        Message = message,
        LastUpdateTime = now,
        LastTransitionTime = now,
    };

    /// <summary>
    /// Sets a condition; one with the same status and reason is left as it is, and a change of reason
    /// alone keeps the time of the last status transition.
    /// </summary>
    public static void Set(V1DeploymentStatus status, V1DeploymentCondition condition)
    {
        var current = Get(status, condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason)
            return;
        if (current is not null && current.Status == condition.Status)
            condition.LastTransitionTime = current.LastTransitionTime;
        Replace(status, condition);
    }

    /// <summary>Puts the condition in place of any of its type, as it is.</summary>
    public static void Replace(V1DeploymentStatus status, V1DeploymentCondition condition) =>
        status.Conditions = [.. (status.Conditions ?? []).Where(other => other.Type != condition.Type), condition];

    public static void Remove(V1DeploymentStatus status, string type) =>
        status.Conditions = (status.Conditions ?? []).Where(other => other.Type != type).ToList();
}
