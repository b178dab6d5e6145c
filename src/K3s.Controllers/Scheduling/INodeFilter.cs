namespace K3s.Controllers.Scheduling;

/// <summary>
/// One reason a node may not take a pod. Returns the reasons it does not fit, in upstream's words
/// ("Insufficient cpu"), which the FailedScheduling message counts; none when it fits.
/// </summary>
public interface INodeFilter
{
    IReadOnlyList<string> Check(PendingPod pod, NodeState node);
}
