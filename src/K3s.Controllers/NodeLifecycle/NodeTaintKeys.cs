namespace K3s.Controllers.NodeLifecycle;

/// <summary>The well-known taints the node lifecycle controller manages (upstream's k8s.io/api/core/v1 well_known_taints.go).</summary>
public static class NodeTaintKeys
{
    public const string NotReady = "node.kubernetes.io/not-ready";
    public const string Unreachable = "node.kubernetes.io/unreachable";
    public const string Unschedulable = "node.kubernetes.io/unschedulable";
    public const string MemoryPressure = "node.kubernetes.io/memory-pressure";
    public const string DiskPressure = "node.kubernetes.io/disk-pressure";
    public const string PidPressure = "node.kubernetes.io/pid-pressure";
    public const string NetworkUnavailable = "node.kubernetes.io/network-unavailable";

    public const string NoSchedule = "NoSchedule";
    public const string NoExecute = "NoExecute";
}
