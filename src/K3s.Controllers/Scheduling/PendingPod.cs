using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>The pod being placed, with what every filter and score asks of it worked out once.</summary>
public sealed class PendingPod(V1Pod pod)
{
    public V1Pod Pod { get; } = pod;

    public IReadOnlyDictionary<string, decimal> Requests { get; } = PodRequests.Of(pod.Spec);

    public (decimal Cpu, decimal Memory) ForScoring { get; } = PodRequests.ForScoring(pod.Spec);

    /// <summary>The uid of the controller that owns the pod (its ReplicaSet, Job…), whose pods are spread.</summary>
    public string? OwnerUid { get; } = ControllerUid(pod);

    public static string? ControllerUid(V1Pod pod) =>
        pod.Metadata.OwnerReferences?.FirstOrDefault(owner => owner.Controller == true)?.Uid;
}
