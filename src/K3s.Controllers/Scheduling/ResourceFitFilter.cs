namespace K3s.Controllers.Scheduling;

/// <summary>
/// The pod's requests fit in what the node has allocatable less what its pods request already, and
/// one more pod fits in its allocatable pod count. Every resource that does not fit is a reason.
/// </summary>
public sealed class ResourceFitFilter : INodeFilter
{
    public IReadOnlyList<string> Check(PendingPod pod, NodeState node)
    {
        var reasons = new List<string>();
        if (node.Pods.Count + 1 > node.Allocatable(PodRequests.Pods))
            reasons.Add("Too many pods");
        foreach (var (resource, amount) in pod.Requests.OrderBy(request => request.Key, StringComparer.Ordinal))
        {
            if (amount > 0 && amount > node.Allocatable(resource) - node.Requested.GetValueOrDefault(resource))
                reasons.Add($"Insufficient {resource}");
        }
        return reasons;
    }
}
