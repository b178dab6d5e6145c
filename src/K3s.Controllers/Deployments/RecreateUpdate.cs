using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Deployments;

/// <summary>
/// The Recreate strategy, as upstream's rolloutRecreate: scale every old replica set to 0, wait until
/// none of their pods runs any more, then create or scale up the new replica set to the full count.
/// </summary>
public static class RecreateUpdate
{
    /// <summary>How often to look while old pods are still stopping (their deletions also bring a pass).</summary>
    private static readonly TimeSpan StoppingPollInterval = TimeSpan.FromSeconds(1);

    public static async Task<TimeSpan?> RolloutAsync(Kubernetes client, DeploymentRollout rollout, CancellationToken cancellationToken)
    {
        await rollout.SyncRevisionAsync(createIfMissing: false, cancellationToken);
        var scaledDown = false;
        foreach (var replicaSet in rollout.OldReplicaSets.Where(rs => (rs.Spec.Replicas ?? 0) > 0))
            scaledDown |= await rollout.ScaleAsync(replicaSet, 0, cancellationToken);
        if (scaledDown)
            return await rollout.SyncStatusAsync(cancellationToken);
        if (await OldPodsRunningAsync(client, rollout, cancellationToken))
        {
            var deadline = await rollout.SyncStatusAsync(cancellationToken);
            return deadline is { } wait && wait < StoppingPollInterval ? wait : StoppingPollInterval;
        }
        if (rollout.NewReplicaSet is null)
            await rollout.SyncRevisionAsync(createIfMissing: true, cancellationToken);
        if (await rollout.ScaleAsync(rollout.NewReplicaSet!, rollout.Desired, cancellationToken))
            return await rollout.SyncStatusAsync(cancellationToken);
        if (DeploymentStatusCalculator.IsComplete(rollout.Deployment, rollout.Deployment.Status))
            await rollout.CleanupHistoryAsync(cancellationToken);
        return await rollout.SyncStatusAsync(cancellationToken);
    }

    /// <summary>Any pod of an old replica set not yet Succeeded or Failed still runs (or may), terminating ones included.</summary>
    private static async Task<bool> OldPodsRunningAsync(Kubernetes client, DeploymentRollout rollout, CancellationToken cancellationToken)
    {
        var old = rollout.OldReplicaSets;
        if (old.Sum(rs => rs.Status?.Replicas ?? 0) > 0)
            return true;
        var oldUids = old.Select(rs => rs.Metadata.Uid).ToHashSet();
        if (oldUids.Count == 0)
            return false;
        var pods = await client.CoreV1.ListNamespacedPodAsync(rollout.Deployment.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        return pods.Items.Any(pod => OwnerReferences.ControllerOf(pod.Metadata)?.Uid is { } owner && oldUids.Contains(owner)
            && pod.Status?.Phase is not ("Succeeded" or "Failed"));
    }
}
