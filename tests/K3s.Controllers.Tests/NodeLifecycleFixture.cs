using K3s.Controllers.NodeLifecycle;

namespace K3s.Controllers.Tests;

/// <summary>
/// A cluster of its own whose node lifecycle controller judges nodes after a few seconds of silence,
/// so the node lifecycle tests see nodes go unreachable without other tests' quiet nodes doing so.
/// </summary>
public sealed class NodeLifecycleFixture() : ClusterFixture(new NodeLifecycleOptions { GracePeriod = GracePeriod })
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(6);
}
