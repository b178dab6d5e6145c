using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.ReplicaSets;

/// <summary>
/// Which pods a replica set controls, as upstream's PodControllerRefManager decides: those with its
/// controller reference that still match its selector; matching orphans are adopted (unless the
/// replica set or the pod is being deleted); pods it controls that no longer match are released.
/// </summary>
public sealed class PodClaims(Kubernetes client)
{
    public async Task<List<V1Pod>> ClaimAsync(V1ReplicaSet replicaSet, IEnumerable<V1Pod> podsInNamespace, CancellationToken cancellationToken)
    {
        var claimed = new List<V1Pod>();
        foreach (var pod in podsInNamespace)
        {
            var matches = LabelSelectors.Matches(replicaSet.Spec.Selector, pod.Metadata.Labels);
            var controller = OwnerReferences.ControllerOf(pod.Metadata);
            if (controller is not null)
            {
                if (controller.Uid != replicaSet.Metadata.Uid)
                    continue;
                if (matches)
                    claimed.Add(pod);
                else if (pod.Metadata.DeletionTimestamp is null)
                    await PatchAsync(pod, OwnerReferencePatch.Release(pod.Metadata, replicaSet.Metadata.Uid), cancellationToken);
                continue;
            }
            if (!matches || replicaSet.Metadata.DeletionTimestamp is not null || pod.Metadata.DeletionTimestamp is not null)
                continue;
            var adopted = await PatchAsync(pod, OwnerReferencePatch.Adopt(pod.Metadata,
                OwnerReferences.ControllerReference(replicaSet, "apps/v1", "ReplicaSet")), cancellationToken);
            if (adopted is not null)
                claimed.Add(adopted);
        }
        return claimed;
    }

    /// <summary>Patches the pod; a pod already gone is no longer anyone's concern.</summary>
    private async Task<V1Pod?> PatchAsync(V1Pod pod, V1Patch patch, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.PatchNamespacedPodAsync(patch, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return null;
        }
    }
}
