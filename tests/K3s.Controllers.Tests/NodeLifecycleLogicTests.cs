using k8s.Models;
using K3s.Controllers.NodeLifecycle;
using static K3s.Controllers.Tests.TestObjects;

namespace K3s.Controllers.Tests;

/// <summary>The node lifecycle controller's decisions without a server: taints for conditions, eviction times, heartbeats.</summary>
public sealed class NodeLifecycleLogicTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("True", new string[0])]
    [InlineData("False", new[] { "node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute" })]
    [InlineData("Unknown", new[] { "node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute" })]
    public void Each_Ready_status_calls_for_its_taints(string ready, string[] expected)
    {
        var node = WithReady(Node("n"), ready);
        Assert.Equal(expected, ConditionTaints.Wanted(node).Select(taint => $"{taint.Key}:{taint.Effect}"));
    }

    [Fact]
    public void A_cordoned_node_under_memory_pressure_gets_both_NoSchedule_taints()
    {
        var node = Node("n");
        node.Spec.Unschedulable = true;
        node.Status.Conditions.Add(new V1NodeCondition { Type = "MemoryPressure", Status = "True" });
        Assert.Equal(["node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"],
            ConditionTaints.Wanted(node).Select(taint => $"{taint.Key}:{taint.Effect}"));
    }

    [Fact]
    public void Reconciling_swaps_the_managed_taints_keeps_the_others_and_stamps_only_NoExecute_ones()
    {
        var userTaint = new V1Taint { Key = "dedicated", Value = "gpu", Effect = "NoExecute" };
        var node = WithReady(Node("n", taints: [userTaint, new V1Taint { Key = NodeTaintKeys.NotReady, Effect = "NoSchedule" }]), "Unknown");

        var taints = ConditionTaints.Reconcile(node, Now)!;

        Assert.Equal(["dedicated:NoExecute", "node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"],
            taints.Select(taint => $"{taint.Key}:{taint.Effect}"));
        Assert.Null(taints.Single(taint => taint is { Key: NodeTaintKeys.Unreachable, Effect: "NoSchedule" }).TimeAdded);
        Assert.Equal(Now, taints.Single(taint => taint is { Key: NodeTaintKeys.Unreachable, Effect: "NoExecute" }).TimeAdded);
        node.Spec.Taints = taints;
        Assert.Null(ConditionTaints.Reconcile(node, Now.AddMinutes(1)));
        Assert.Equal(["dedicated:NoExecute"], ConditionTaints.Reconcile(WithReady(node, "True"), Now)!.Select(taint => $"{taint.Key}:{taint.Effect}"));
    }

    [Fact]
    public void An_untolerated_NoExecute_taint_evicts_at_once_and_tolerating_forever_never()
    {
        var taint = new V1Taint { Key = NodeTaintKeys.Unreachable, Effect = "NoExecute", TimeAdded = Now.AddMinutes(-10) };
        Assert.Equal(Now, TaintEviction.Due(null, [taint], t => t.TimeAdded!.Value, Now));
        Assert.Equal(Now, TaintEviction.Due([new V1Toleration { Key = "other", OperatorProperty = "Exists" }], [taint], t => t.TimeAdded!.Value, Now));
        Assert.Null(TaintEviction.Due([new V1Toleration { OperatorProperty = "Exists" }], [taint], t => t.TimeAdded!.Value, Now));
        Assert.Null(TaintEviction.Due([], [], t => t.TimeAdded!.Value, Now));
    }

    [Fact]
    public void Toleration_seconds_count_from_when_each_taint_was_added_and_the_earliest_deadline_wins()
    {
        var unreachable = new V1Taint { Key = NodeTaintKeys.Unreachable, Effect = "NoExecute", TimeAdded = Now.AddSeconds(-100) };
        var maintenance = new V1Taint { Key = "maintenance", Effect = "NoExecute", TimeAdded = Now.AddSeconds(-10) };
        List<V1Toleration> tolerations =
        [
            new() { Key = NodeTaintKeys.Unreachable, OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 },
            new() { Key = "maintenance", OperatorProperty = "Exists", TolerationSeconds = 60 },
        ];
        Assert.Equal(Now.AddSeconds(50), TaintEviction.Due(tolerations, [unreachable, maintenance], t => t.TimeAdded!.Value, Now));
        Assert.Equal(Now.AddSeconds(200), TaintEviction.Due(tolerations, [unreachable], t => t.TimeAdded!.Value, Now));
        // A time already past, or zero seconds, means at once.
        Assert.True(TaintEviction.Due(tolerations, [unreachable], _ => Now.AddHours(-1), Now) <= Now);
        tolerations[0].TolerationSeconds = 0;
        Assert.Equal(Now, TaintEviction.Due(tolerations, [unreachable], t => t.TimeAdded!.Value, Now));
    }

    [Fact]
    public void A_node_counts_as_heard_when_its_lease_or_heartbeat_moves_and_not_otherwise()
    {
        var heartbeats = new NodeHeartbeats();
        var node = Node("n");
        node.Status.Conditions[0].LastHeartbeatTime = Now.AddMinutes(-30);
        var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = "n" }, Spec = new V1LeaseSpec { RenewTime = Now.AddMinutes(-30) } };

        // First seen: heard now, whatever clock the kubelet's timestamps came from.
        Assert.Equal(Now, heartbeats.Observe(node, lease, Now));
        Assert.Equal(Now, heartbeats.Observe(node, lease, Now.AddSeconds(30)));
        lease.Spec.RenewTime = Now.AddMinutes(-29);
        Assert.Equal(Now.AddSeconds(35), heartbeats.Observe(node, lease, Now.AddSeconds(35)));
        node.Status.Conditions[0].LastHeartbeatTime = Now.AddMinutes(-28);
        Assert.Equal(Now.AddSeconds(50), heartbeats.Observe(node, lease, Now.AddSeconds(50)));
        // An older lease (read from a lagging cache) is no news.
        lease.Spec.RenewTime = Now.AddMinutes(-40);
        Assert.Equal(Now.AddSeconds(50), heartbeats.Observe(node, lease, Now.AddSeconds(60)));
    }

    [Fact]
    public void A_node_that_never_posted_Ready_counts_from_its_creation()
    {
        var node = Node("n");
        node.Status.Conditions = null;
        node.Metadata.CreationTimestamp = Now.AddMinutes(-5);
        Assert.Equal(Now.AddMinutes(-5), new NodeHeartbeats().Observe(node, null, Now));
    }

    [Fact]
    public void Marking_Unknown_keeps_heartbeats_and_adds_the_conditions_never_posted()
    {
        var node = Node("n");
        node.Metadata.CreationTimestamp = Now.AddHours(-1);
        node.Status.Conditions[0].LastHeartbeatTime = Now.AddMinutes(-1);

        NodeConditions.MarkUnknown(node, Now);

        var ready = node.Status.Conditions.Single(condition => condition.Type == "Ready");
        Assert.Equal(("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", Now.AddMinutes(-1), Now),
            (ready.Status, ready.Reason, ready.Message, ready.LastHeartbeatTime, ready.LastTransitionTime));
        var disk = node.Status.Conditions.Single(condition => condition.Type == "DiskPressure");
        Assert.Equal(("Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status."), (disk.Status, disk.Reason, disk.Message));
        Assert.True(NodeConditions.AllUnknown(node));
        Assert.DoesNotContain(node.Status.Conditions, condition => condition.Type == "NetworkUnavailable");
    }

    private static V1Node WithReady(V1Node node, string status)
    {
        node.Status.Conditions = [new V1NodeCondition { Type = "Ready", Status = status }];
        return node;
    }
}
