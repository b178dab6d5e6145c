namespace K3s.Controllers.NodeLifecycle;

/// <summary>How the node lifecycle controller judges nodes (kube-controller-manager's node monitor flags).</summary>
public sealed record NodeLifecycleOptions
{
    /// <summary>Upstream's --node-monitor-grace-period default.</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(40);

    /// <summary>How long a node may go without renewing its lease or posting its status before it counts as unreachable.</summary>
    public TimeSpan GracePeriod { get; init; } = DefaultGracePeriod;
}
