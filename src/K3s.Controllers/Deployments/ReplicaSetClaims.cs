using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Deployments;

/// <summary>
/// Which replica sets a deployment controls, as upstream's ReplicaSetControllerRefManager decides:
/// those with its controller reference that still match its selector; matching orphans are adopted
/// (not while the deployment is being deleted); controlled ones that stopped matching are released.
/// </summary>
public sealed class ReplicaSetClaims(Kubernetes client)
{
    public async Task<List<V1ReplicaSet>> ClaimAsync(V1Deployment deployment, IEnumerable<V1ReplicaSet> replicaSetsInNamespace, CancellationToken cancellationToken)
    {
        var claimed = new List<V1ReplicaSet>();
        foreach (var replicaSet in replicaSetsInNamespace)
        {
            var matches = LabelSelectors.Matches(deployment.Spec.Selector, replicaSet.Metadata.Labels);
            var controller = OwnerReferences.ControllerOf(replicaSet.Metadata);
            if (controller is not null)
            {
                if (controller.Uid != deployment.Metadata.Uid)
                    continue;
                if (matches)
                    claimed.Add(replicaSet);
                else if (replicaSet.Metadata.DeletionTimestamp is null)
                    await PatchAsync(replicaSet, OwnerReferencePatch.Release(replicaSet.Metadata, deployment.Metadata.Uid), cancellationToken);
                continue;
            }
            if (!matches || deployment.Metadata.DeletionTimestamp is not null || replicaSet.Metadata.DeletionTimestamp is not null)
                continue;
            var adopted = await PatchAsync(replicaSet, OwnerReferencePatch.Adopt(replicaSet.Metadata,
                OwnerReferences.ControllerReference(deployment, "apps/v1", "Deployment")), cancellationToken);
            if (adopted is not null)
                claimed.Add(adopted);
        }
        return claimed;
    }

    private async Task<V1ReplicaSet?> PatchAsync(V1ReplicaSet replicaSet, V1Patch patch, CancellationToken cancellationToken)
    {
        try
        {
            return await client.AppsV1.PatchNamespacedReplicaSetAsync(patch, replicaSet.Metadata.Name, replicaSet.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return null;
        }
    }
}
