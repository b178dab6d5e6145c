using System.Collections.Concurrent;
using k8s.Models;

namespace K3s.Controllers.NodeLifecycle;

/// <summary>
/// When each node was last heard from: its lease's spec.renewTime or its Ready condition's
/// lastHeartbeatTime, whichever moved. As upstream, the time that counts is when this controller saw
/// a value newer than the one before, not the value itself, so a kubelet's clock running behind or
/// ahead of the server's cannot make a live node look dead (or a dead one alive); and a server that
/// starts after a while down gives every node a full grace period to renew before judging it.
/// </summary>
public sealed class NodeHeartbeats
{
    private sealed record Heard(DateTime? RenewTime, DateTime? Heartbeat, DateTime At);

    private readonly ConcurrentDictionary<string, Heard> nodes = new();

    /// <summary>
    /// Notes what the node and its lease show now and returns when the node was last heard from.
    /// A node seen for the first time counts as heard now, unless its kubelet never posted Ready:
    /// then it counts from its creation, so a node that never came up is judged after one grace period.
    /// </summary>
    public DateTime Observe(V1Node node, V1Lease? lease, DateTime now)
    {
        var renewTime = lease?.Spec?.RenewTime?.ToUniversalTime();
        var ready = NodeConditions.Find(node, NodeConditions.Ready);
        var heartbeat = ready?.LastHeartbeatTime?.ToUniversalTime();
        var heard = nodes.AddOrUpdate(node.Metadata.Name,
            _ => new Heard(renewTime, heartbeat, ready is null ? node.Metadata.CreationTimestamp?.ToUniversalTime() ?? now : now),
            (_, before) => Later(renewTime, before.RenewTime) || Later(heartbeat, before.Heartbeat)
                ? new Heard(renewTime, heartbeat, now)
                : before with { RenewTime = Latest(renewTime, before.RenewTime), Heartbeat = Latest(heartbeat, before.Heartbeat) });
        return heard.At;
    }

    public bool Knows(string node) => nodes.ContainsKey(node);

    public void Forget(string node) => nodes.TryRemove(node, out _);

    private static bool Later(DateTime? seen, DateTime? before) => seen is { } value && (before is null || value > before);

    private static DateTime? Latest(DateTime? a, DateTime? b) => Later(a, b) ? a : b;
}
