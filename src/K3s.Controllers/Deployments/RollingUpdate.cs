using k8s.Models;

namespace K3s.Controllers.Deployments;

/// <summary>
/// The RollingUpdate strategy, as upstream's rolloutRolling: scale the new replica set up as far as
/// maxSurge allows, scale old ones down as far as maxUnavailable allows (unhealthy old pods first),
/// one step per pass; each step's pods changing status brings the next pass.
/// </summary>
public static class RollingUpdate
{
    public static async Task<TimeSpan?> RolloutAsync(DeploymentRollout rollout, CancellationToken cancellationToken)
    {
        await rollout.SyncRevisionAsync(createIfMissing: true, cancellationToken);
        if (await ReconcileNewReplicaSetAsync(rollout, cancellationToken) || await ReconcileOldReplicaSetsAsync(rollout, cancellationToken))
            return await rollout.SyncStatusAsync(cancellationToken);
        if (DeploymentStatusCalculator.IsComplete(rollout.Deployment, rollout.Deployment.Status))
            await rollout.CleanupHistoryAsync(cancellationToken);
        return await rollout.SyncStatusAsync(cancellationToken);
    }

    private static async Task<bool> ReconcileNewReplicaSetAsync(DeploymentRollout rollout, CancellationToken cancellationToken)
    {
        var newReplicaSet = rollout.NewReplicaSet!;
        var current = newReplicaSet.Spec.Replicas ?? 0;
        if (current == rollout.Desired)
            return false;
        if (current > rollout.Desired)
            return await rollout.ScaleAsync(newReplicaSet, rollout.Desired, cancellationToken);
        return await rollout.ScaleAsync(newReplicaSet, rollout.NewReplicaSetReplicas(), cancellationToken);
    }

    /// <summary>Scales old replica sets down while at least replicas − maxUnavailable pods stay available.</summary>
    private static async Task<bool> ReconcileOldReplicaSetsAsync(DeploymentRollout rollout, CancellationToken cancellationToken)
    {
        var old = rollout.OldReplicaSets;
        if (old.Sum(rs => rs.Spec.Replicas ?? 0) == 0)
            return false;
        var newReplicaSet = rollout.NewReplicaSet!;
        var minAvailable = rollout.Desired - RolloutFenceposts.MaxUnavailable(rollout.Deployment);
        var newUnavailable = (newReplicaSet.Spec.Replicas ?? 0) - (newReplicaSet.Status?.AvailableReplicas ?? 0);
        var maxScaledDown = rollout.AllReplicaSets.Sum(rs => rs.Spec.Replicas ?? 0) - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
            return false;
        var cleaned = await ScaleDownUnhealthyAsync(rollout, maxScaledDown, cancellationToken);
        var scaled = await ScaleDownAvailableAsync(rollout, minAvailable, cancellationToken);
        return cleaned + scaled > 0;
    }

    /// <summary>Old pods that are not available cost no availability: remove them first, oldest replica set first.</summary>
    private static async Task<int> ScaleDownUnhealthyAsync(DeploymentRollout rollout, int maxCleanup, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var replicaSet in ByAge(rollout.OldReplicaSets))
        {
            if (total >= maxCleanup)
                break;
            var replicas = replicaSet.Spec.Replicas ?? 0;
            var unhealthy = replicas - (replicaSet.Status?.AvailableReplicas ?? 0);
            if (replicas == 0 || unhealthy <= 0)
                continue;
            var count = Math.Min(maxCleanup - total, unhealthy);
            await rollout.ScaleAsync(replicaSet, replicas - count, cancellationToken);
            total += count;
        }
        return total;
    }

    private static async Task<int> ScaleDownAvailableAsync(DeploymentRollout rollout, int minAvailable, CancellationToken cancellationToken)
    {
        var available = rollout.AllReplicaSets.Sum(rs => rs.Status?.AvailableReplicas ?? 0);
        if (available <= minAvailable)
            return 0;
        var toScaleDown = available - minAvailable;
        var total = 0;
        foreach (var replicaSet in ByAge(rollout.OldReplicaSets))
        {
            if (total >= toScaleDown)
                break;
            var replicas = replicaSet.Spec.Replicas ?? 0;
            if (replicas == 0)
                continue;
            var count = Math.Min(replicas, toScaleDown - total);
            await rollout.ScaleAsync(replicaSet, replicas - count, cancellationToken);
            total += count;
        }
        return total;
    }

    private static IEnumerable<V1ReplicaSet> ByAge(IEnumerable<V1ReplicaSet> replicaSets) =>
        replicaSets.OrderBy(rs => rs.Metadata.CreationTimestamp).ThenBy(rs => rs.Metadata.Name, StringComparer.Ordinal).ToList();
}
