using k8s.Models;
using K3s.Controllers.Scheduling;
using static K3s.Controllers.Tests.TestObjects;

namespace K3s.Controllers.Tests;

/// <summary>Filters, scores and the failure message on snapshots built in memory.</summary>
public sealed class SchedulingAlgorithmTests
{
    private readonly SchedulingAlgorithm algorithm = new();

    [Fact]
    public void The_failure_message_counts_the_reasons_as_upstream_words_them()
    {
        var nodes = new[] { Node("a", cpu: "1"), Node("b", cpu: "1"), Node("c", ready: false) };
        var cordoned = Node("d");
        cordoned.Spec.Unschedulable = true;
        var result = algorithm.Schedule(Named(Pod("p", cpu: "2")), Snapshot([.. nodes, cordoned]));
        Assert.Null(result.NodeName);
        Assert.Equal("0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, "
            + "1 node(s) were unschedulable, 2 Insufficient cpu.", result.FailureMessage);
    }

    [Fact]
    public void No_nodes_at_all_is_said_so()
    {
        var result = algorithm.Schedule(Named(Pod("p")), Snapshot([]));
        Assert.Equal("no nodes available to schedule pods", result.FailureMessage);
    }

    [Fact]
    public void Requests_count_what_the_node_already_runs_and_its_pod_limit()
    {
        var busy = Named(Pod("busy", cpu: "1500m", memory: "3Gi"));
        busy.Spec.NodeName = "a";
        var snapshot = Snapshot([Node("a", cpu: "2", memory: "4Gi"), Node("b", cpu: "2", memory: "4Gi", pods: 0)], busy);
        var result = algorithm.Schedule(Named(Pod("p", cpu: "600m", memory: "2Gi")), snapshot);
        Assert.Equal("0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods.", result.FailureMessage);
        Assert.Equal("a", algorithm.Schedule(Named(Pod("q", cpu: "500m", memory: "1Gi")), snapshot).NodeName);
    }

    [Fact]
    public void Finished_pods_hold_no_room()
    {
        var done = Named(Pod("done", cpu: "2"));
        done.Spec.NodeName = "a";
        done.Status = new V1PodStatus { Phase = "Succeeded" };
        Assert.Equal("a", algorithm.Schedule(Named(Pod("p", cpu: "2")), Snapshot([Node("a", cpu: "2")], done)).NodeName);
    }

    [Theory]
    [InlineData("In", "ssd", true)]
    [InlineData("NotIn", "ssd", false)]
    [InlineData("Exists", null, true)]
    [InlineData("DoesNotExist", null, false)]
    [InlineData("Gt", "3", true)]
    [InlineData("Lt", "3", false)]
    public void Node_affinity_operators(string @operator, string? value, bool fits)
    {
        var key = @operator is "Gt" or "Lt" ? "rank" : "disk";
        var pod = Named(Pod("p"));
        pod.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = key, OperatorProperty = @operator, Values = value is null ? null : [value] }] }],
                },
            },
        };
        var node = Node("a", labels: new Dictionary<string, string> { ["disk"] = "ssd", ["rank"] = "5" });
        Assert.Equal(fits ? "a" : null, algorithm.Schedule(pod, Snapshot([node])).NodeName);
    }

    [Fact]
    public void Tolerations_match_by_key_value_and_effect()
    {
        var taint = new V1Taint { Key = "dedicated", Value = "gpu", Effect = "NoExecute" };
        Assert.True(Tolerations.Tolerates(new V1Toleration { Key = "dedicated", Value = "gpu" }, taint));
        Assert.True(Tolerations.Tolerates(new V1Toleration { Key = "dedicated", OperatorProperty = "Exists", Effect = "NoExecute" }, taint));
        Assert.True(Tolerations.Tolerates(new V1Toleration { OperatorProperty = "Exists" }, taint));
        Assert.False(Tolerations.Tolerates(new V1Toleration { Key = "dedicated", Value = "cpu" }, taint));
        Assert.False(Tolerations.Tolerates(new V1Toleration { Key = "dedicated", OperatorProperty = "Exists", Effect = "NoSchedule" }, taint));

        var tainted = Node("a", taints: [taint]);
        var preferred = Node("b", taints: [new V1Taint { Key = "soft", Effect = "PreferNoSchedule" }]);
        Assert.Equal("b", algorithm.Schedule(Named(Pod("p")), Snapshot([tainted, preferred])).NodeName);
    }

    [Fact]
    public void The_replicas_of_one_owner_spread_over_equal_nodes()
    {
        var owner = new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "web", Uid = "rs-1", Controller = true };
        var placed = new List<V1Pod>();
        var nodes = new[] { Node("a"), Node("b"), Node("c") };
        for (var i = 0; i < 6; i++)
        {
            var pod = Named(Pod($"web-{i}"));
            pod.Metadata.OwnerReferences = [owner];
            pod.Spec.NodeName = algorithm.Schedule(pod, Snapshot(nodes, [.. placed])).NodeName;
            placed.Add(pod);
        }
        Assert.All(placed.GroupBy(pod => pod.Spec.NodeName), group => Assert.Equal(2, group.Count()));
    }

    [Fact]
    public void Least_allocated_prefers_the_emptier_node()
    {
        var heavy = Named(Pod("heavy", cpu: "3", memory: "6Gi"));
        heavy.Spec.NodeName = "a";
        Assert.Equal("b", algorithm.Schedule(Named(Pod("p", cpu: "100m")), Snapshot([Node("a"), Node("b")], heavy)).NodeName);
    }

    [Fact]
    public void Existing_pods_anti_affinity_keeps_a_matching_pod_away()
    {
        var guard = Named(Pod("guard", labels: new Dictionary<string, string> { ["app"] = "guard" }));
        guard.Spec.NodeName = "a";
        guard.Spec.Affinity = new V1Affinity
        {
            PodAntiAffinity = new V1PodAntiAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution =
                [
                    new V1PodAffinityTerm
                    {
                        LabelSelector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "team", OperatorProperty = "Exists" }] },
                        TopologyKey = "kubernetes.io/hostname",
                    },
                ],
            },
        };
        var snapshot = Snapshot([Node("a")], guard);
        var result = algorithm.Schedule(Named(Pod("p", labels: new Dictionary<string, string> { ["team"] = "x" })), snapshot);
        Assert.Equal("0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules.", result.FailureMessage);
        Assert.Equal("a", algorithm.Schedule(Named(Pod("q")), snapshot).NodeName);
    }

    private static V1Pod Named(V1Pod pod)
    {
        pod.Metadata.NamespaceProperty = "default";
        pod.Metadata.Uid = Guid.NewGuid().ToString();
        return pod;
    }

    private static ClusterSnapshot Snapshot(IEnumerable<V1Node> nodes, params V1Pod[] pods) =>
        new(nodes, pods, new Dictionary<string, string>());
}
