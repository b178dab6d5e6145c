using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Deployments;

/// <summary>
/// A deployment's status from its replica sets, as upstream's calculateStatus and syncRolloutStatus:
/// the counts, Available (at least replicas − maxUnavailable available) and Progressing, which reads
/// NewReplicaSetAvailable once every replica is updated and available — what `kubectl rollout status` waits for.
/// </summary>
public static class DeploymentStatusCalculator
{
    public static V1DeploymentStatus Calculate(V1Deployment deployment, IReadOnlyCollection<V1ReplicaSet> all, V1ReplicaSet? newReplicaSet, DateTime now)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        var available = all.Sum(rs => rs.Status?.AvailableReplicas ?? 0);
        var total = all.Sum(rs => rs.Spec.Replicas ?? 0);
        var status = new V1DeploymentStatus
        {
            ObservedGeneration = deployment.Metadata.Generation,
            Replicas = all.Sum(rs => rs.Status?.Replicas ?? 0),
            UpdatedReplicas = newReplicaSet?.Status?.Replicas ?? 0,
            ReadyReplicas = all.Sum(rs => rs.Status?.ReadyReplicas ?? 0),
            AvailableReplicas = available,
            UnavailableReplicas = Math.Max(0, total - available),
            CollisionCount = deployment.Status?.CollisionCount,
            Conditions = deployment.Status?.Conditions is { } conditions ? ModelCopies.DeepCopy(conditions) : [],
        };
        DeploymentConditions.Set(status, available >= desired - RolloutFenceposts.MaxUnavailable(deployment)
            ? DeploymentConditions.New(DeploymentConditions.Available, true, DeploymentConditions.MinimumReplicasAvailable, "Deployment has minimum availability.", now)
            : DeploymentConditions.New(DeploymentConditions.Available, false, DeploymentConditions.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now));
        UpdateProgressing(deployment, status, newReplicaSet, now);
        return status;
    }

    public static bool HasProgressDeadline(V1Deployment deployment) =>
        deployment.Spec.ProgressDeadlineSeconds is { } seconds && seconds != int.MaxValue;

    /// <summary>Every replica updated, available and counted, and the current spec observed.</summary>
    public static bool IsComplete(V1Deployment deployment, V1DeploymentStatus? status)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        return status is not null && (status.UpdatedReplicas ?? 0) == desired && (status.Replicas ?? 0) == desired
            && (status.AvailableReplicas ?? 0) == desired && (status.ObservedGeneration ?? 0) >= (deployment.Metadata.Generation ?? 0);
    }

    /// <summary>How long until a rollout still under way would pass its progress deadline; null if none applies.</summary>
    public static TimeSpan? UntilDeadline(V1Deployment deployment, V1DeploymentStatus status, DateTime now)
    {
        var progressing = DeploymentConditions.Get(status, DeploymentConditions.Progressing);
        if (!HasProgressDeadline(deployment) || IsComplete(deployment, status) || progressing?.LastUpdateTime is not { } since
            || progressing.Reason is DeploymentConditions.NewReplicaSetAvailable or DeploymentConditions.ProgressDeadlineExceeded)
            return null;
        var remaining = since.ToUniversalTime() + TimeSpan.FromSeconds(deployment.Spec.ProgressDeadlineSeconds!.Value) - now;
        return remaining > TimeSpan.Zero ? remaining + TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1);
    }

    private static void UpdateProgressing(V1Deployment deployment, V1DeploymentStatus status, V1ReplicaSet? newReplicaSet, DateTime now)
    {
        if (!HasProgressDeadline(deployment))
        {
            DeploymentConditions.Remove(status, DeploymentConditions.Progressing);
            return;
        }
        var current = DeploymentConditions.Get(status, DeploymentConditions.Progressing);
        var finished = status.Replicas == status.UpdatedReplicas && current?.Reason == DeploymentConditions.NewReplicaSetAvailable;
        if (finished)
            return;
        var subject = newReplicaSet is null ? $"Deployment \"{deployment.Metadata.Name}\"" : $"ReplicaSet \"{newReplicaSet.Metadata.Name}\"";
        if (IsComplete(deployment, status))
        {
            DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, true,
                DeploymentConditions.NewReplicaSetAvailable, $"{subject} has successfully progressed.", now));
        }
        else if (MadeProgress(deployment.Status, status))
        {
            // Progress refreshes lastUpdateTime (the deadline counts from it); lastTransitionTime stays while the status stays True.
            var condition = DeploymentConditions.New(DeploymentConditions.Progressing, true, DeploymentConditions.ReplicaSetUpdated,
                newReplicaSet is null ? "" : $"{subject} is progressing.", now);
            if (current?.Status == "True")
                condition.LastTransitionTime = current.LastTransitionTime;
            DeploymentConditions.Replace(status, condition);
        }
        else if (TimedOut(deployment, current, now))
        {
            DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, false,
                DeploymentConditions.ProgressDeadlineExceeded, $"{subject} has timed out progressing.", now));
        }
    }

    private static bool MadeProgress(V1DeploymentStatus? before, V1DeploymentStatus after)
    {
        before ??= new V1DeploymentStatus();
        var oldBefore = (before.Replicas ?? 0) - (before.UpdatedReplicas ?? 0);
        var oldAfter = (after.Replicas ?? 0) - (after.UpdatedReplicas ?? 0);
        return (after.UpdatedReplicas ?? 0) > (before.UpdatedReplicas ?? 0) || oldAfter < oldBefore
            || (after.ReadyReplicas ?? 0) > (before.ReadyReplicas ?? 0) || (after.AvailableReplicas ?? 0) > (before.AvailableReplicas ?? 0);
    }

    private static bool TimedOut(V1Deployment deployment, V1DeploymentCondition? progressing, DateTime now) =>
        progressing is not null && progressing.Reason != DeploymentConditions.NewReplicaSetAvailable
        && (progressing.Reason == DeploymentConditions.ProgressDeadlineExceeded
            || progressing.LastUpdateTime is { } since && since.ToUniversalTime() + TimeSpan.FromSeconds(deployment.Spec.ProgressDeadlineSeconds!.Value) < now);

    public static bool SameAs(V1DeploymentStatus? current, V1DeploymentStatus wanted) =>
        current is not null && KubernetesJson.Serialize(current) == KubernetesJson.Serialize(wanted);
}
