using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.StatefulSets;

/// <summary>
/// One pass of upstream's updateStatefulSet over a set's pods, as far as it may go now:
/// 1. every ordinal below spec.replicas gets its claims and its pod (a finished pod is deleted to be
///    made again); OrderedReady makes one at a time, in order, each only once the one before is Running
///    and Ready, and Parallel makes them all at once;
/// 2. pods at ordinals past spec.replicas are deleted, highest first (one at a time under OrderedReady);
/// 3. under RollingUpdate, from the highest ordinal down to the partition, the first pod not at the
///    update revision is deleted (step 1 of a later pass makes it again from the new template), each
///    only once the pods above it are healthy again. OnDelete leaves old pods until someone deletes them.
/// </summary>
public sealed class StatefulSetPass(Kubernetes client, EventRecorder events, V1StatefulSet set,
    V1ControllerRevision currentRevision, V1ControllerRevision updateRevision, IReadOnlySet<string> existingClaims)
{
    private readonly bool ordered = set.Spec.PodManagementPolicy != "Parallel";
    private readonly DateTime now = DateTime.UtcNow;

    /// <summary>Whether it created or deleted anything.</summary>
    public bool Changed { get; private set; }

    public async Task RunAsync(IReadOnlyCollection<V1Pod> members, CancellationToken cancellationToken)
    {
        var start = StatefulPods.StartOrdinal(set);
        var count = set.Spec.Replicas ?? 1;
        var replicas = new V1Pod?[count];
        var condemned = new List<V1Pod>();
        foreach (var pod in members)
        {
            var ordinal = StatefulPods.OrdinalOf(set, pod)!.Value;
            if (ordinal >= start && ordinal < start + count)
                replicas[ordinal - start] = pod;
            else
                condemned.Add(pod);
        }
        if (!await ReplicasAsync(replicas, start, cancellationToken))
            return;
        if (!await CondemnedAsync(condemned.OrderByDescending(pod => StatefulPods.OrdinalOf(set, pod)).ToList(), cancellationToken))
            return;
        if (set.Spec.UpdateStrategy?.Type is null or "RollingUpdate")
            await RollAsync(replicas, cancellationToken);
    }

    /// <summary>Step 1; false when OrderedReady must wait before going further.</summary>
    private async Task<bool> ReplicasAsync(V1Pod?[] replicas, int start, CancellationToken cancellationToken)
    {
        for (var index = 0; index < replicas.Length; index++)
        {
            var pod = replicas[index];
            if (pod is null)
            {
                replicas[index] = await CreateAsync(start + index, index, cancellationToken);
                if (ordered)
                    return false;
                continue;
            }
            if (StatefulPods.IsFinished(pod) && !StatefulPods.IsTerminating(pod))
            {
                await DeleteAsync(pod, cancellationToken);
                if (ordered)
                    return false;
                continue;
            }
            if (ordered && !StatefulPods.IsHealthy(set, pod, now))
                return false;
        }
        return true;
    }

    /// <summary>Step 2; false when OrderedReady must wait for a pod to go first.</summary>
    private async Task<bool> CondemnedAsync(List<V1Pod> highestFirst, CancellationToken cancellationToken)
    {
        foreach (var pod in highestFirst)
        {
            if (!StatefulPods.IsTerminating(pod))
                await DeleteAsync(pod, cancellationToken);
            if (ordered)
                return false;
        }
        return true;
    }

    /// <summary>Step 3: one pod at a time, highest ordinal first, down to the partition.</summary>
    private async Task RollAsync(V1Pod?[] replicas, CancellationToken cancellationToken)
    {
        var partition = Math.Max(0, set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0);
        for (var index = replicas.Length - 1; index >= partition; index--)
        {
            var pod = replicas[index];
            if (pod is null)
                return;
            if (StatefulPods.RevisionOf(pod) != updateRevision.Metadata.Name && !StatefulPods.IsTerminating(pod))
            {
                await DeleteAsync(pod, cancellationToken);
                return;
            }
            if (!StatefulPods.IsHealthy(set, pod, now))
                return;
        }
    }

    /// <summary>
    /// The pod at an ordinal, after its claims. Under RollingUpdate an ordinal below the partition keeps
    /// the current revision; any other pod is made from the update revision.
    /// </summary>
    private async Task<V1Pod> CreateAsync(int ordinal, int index, CancellationToken cancellationToken)
    {
        var rolling = set.Spec.UpdateStrategy?.Type is null or "RollingUpdate";
        var revision = rolling && index < (set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0) ? currentRevision : updateRevision;
        var pod = StatefulPods.NewPod(set, Workloads.ControllerRevisions.TemplateOf(revision), revision.Metadata.Name, ordinal);
        foreach (var claim in await StatefulVolumeClaims.CreateMissingAsync(client, set, ordinal, existingClaims, cancellationToken))
            await RecordAsync("SuccessfulCreate", $"create Claim {claim} Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} success", cancellationToken);
        Changed = true;
        var created = await client.CoreV1.CreateNamespacedPodAsync(pod, set.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        await RecordAsync("SuccessfulCreate", $"create Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful", cancellationToken);
        return created;
    }

    private async Task DeleteAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        Changed = true;
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return;
        }
        await RecordAsync("SuccessfulDelete", $"delete Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful", cancellationToken);
    }

    private Task RecordAsync(string reason, string message, CancellationToken cancellationToken) =>
        events.RecordAsync(EventRecorder.About(set, "apps/v1", "StatefulSet"), EventRecorder.Normal, reason, message, cancellationToken);
}
