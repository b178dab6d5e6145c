using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.ReplicaSets;

/// <summary>
/// Which pods a replica set (or a daemon set, a stateful set) controls, as upstream's
/// PodControllerRefManager decides: those with its controller reference that still match its
/// selector; matching orphans are adopted (unless the owner or the pod is being deleted); pods it
/// controls that no longer match are released.
/// </summary>
public sealed class PodClaims(Kubernetes client)
{
    public Task<List<V1Pod>> ClaimAsync(V1ReplicaSet replicaSet, IEnumerable<V1Pod> podsInNamespace, CancellationToken cancellationToken) =>
        ClaimAsync(replicaSet, "ReplicaSet", replicaSet.Spec.Selector, podsInNamespace, cancellationToken);

    /// <summary>Claims for an apps/v1 owner of the given kind.</summary>
    public async Task<List<V1Pod>> ClaimAsync(IKubernetesObject<V1ObjectMeta> owner, string kind, V1LabelSelector selector,
        IEnumerable<V1Pod> podsInNamespace, CancellationToken cancellationToken)
    {
        var claimed = new List<V1Pod>();
        foreach (var pod in podsInNamespace)
        {
            var matches = LabelSelectors.Matches(selector, pod.Metadata.Labels);
            var controller = OwnerReferences.ControllerOf(pod.Metadata);
            if (controller is not null)
            {
                if (controller.Uid != owner.Metadata.Uid)
                    continue;
                if (matches)
                    claimed.Add(pod);
                else if (pod.Metadata.DeletionTimestamp is null)
                    await PatchAsync(pod, OwnerReferencePatch.Release(pod.Metadata, owner.Metadata.Uid), cancellationToken);
                continue;
            }
            if (!matches || owner.Metadata.DeletionTimestamp is not null || pod.Metadata.DeletionTimestamp is not null)
                continue;
            var adopted = await PatchAsync(pod, OwnerReferencePatch.Adopt(pod.Metadata,
                OwnerReferences.ControllerReference(owner, "apps/v1", kind)), cancellationToken);
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
