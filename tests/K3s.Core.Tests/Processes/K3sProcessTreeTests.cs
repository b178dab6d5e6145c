using K3s.Core.Processes;

namespace K3s.Core.Tests.Processes;

public class K3sProcessTreeTests
{
    private const string Socket = "/run/k3s/containerd/containerd.sock";

    private static readonly ProcessEntry[] Host =
    [
        new(1, 0, "init", ["/sbin/init"]),
        new(50, 1, "sshd", ["sshd"]),
        new(100, 1, "k3sps", ["k3sps", "server"]),
        new(120, 100, "k3sps", ["k3sps", "child"]),
        new(110, 100, "containerd", ["containerd", "-a", Socket]),
        // Shims daemonise and are re-parented to init; their -address ties them to their containerd.
        new(200, 1, "containerd-shim", ["containerd-shim-runc-v2", "-address", Socket]),
        new(210, 200, "pause", ["/pause"]),
        new(220, 200, "nginx", ["nginx"]),
        new(221, 220, "nginx", ["nginx: worker"]),
        new(300, 1, "containerd-shim", ["containerd-shim-runc-v2", "-address", "/run/containerd/containerd.sock"]),
        new(400, 1, "k3sps", ["k3sps", "agent"]),
    ];

    [Fact]
    public void Lists_each_node_head_and_everything_below_it_depth_first()
    {
        var tree = K3sProcessTree.Build(Host);

        Assert.Equal([100, 110, 200, 210, 220, 221, 120, 400], tree.Nodes.Select(n => n.Process.Id));
        Assert.Equal([0, 1, 2, 3, 3, 4, 1, 0], tree.Nodes.Select(n => n.Depth));
        Assert.Equal(
            [ProcessRole.Server, ProcessRole.Containerd, ProcessRole.Shim, ProcessRole.Container, ProcessRole.Container,
             ProcessRole.Container, ProcessRole.Other, ProcessRole.Agent],
            tree.Nodes.Select(n => n.Role));
    }

    [Fact]
    public void Gives_each_node_its_children_including_adopted_shims()
    {
        var tree = K3sProcessTree.Build(Host);

        Assert.Equal([110, 120], tree.Nodes.Single(n => n.Process.Id == 100).ChildIds);
        Assert.Equal([200], tree.Nodes.Single(n => n.Process.Id == 110).ChildIds);
        Assert.Empty(tree.Nodes.Single(n => n.Process.Id == 400).ChildIds);
    }

    [Fact]
    public void Leaves_out_processes_of_other_containerds_and_the_rest_of_the_host()
    {
        var tree = K3sProcessTree.Build(Host);

        Assert.False(tree.Contains(300));
        Assert.False(tree.Contains(50));
        Assert.False(tree.Contains(1));
    }

    [Fact]
    public void A_subtree_is_a_node_and_its_descendants()
    {
        var tree = K3sProcessTree.Build(Host);

        Assert.Equal([200, 210, 220, 221], tree.Subtree(200).Select(n => n.Process.Id));
        Assert.Equal([400], tree.Subtree(400).Select(n => n.Process.Id));
        Assert.Empty(tree.Subtree(50));
    }

    [Fact]
    public void A_node_head_below_another_is_listed_once_under_it_with_its_role()
    {
        ProcessEntry[] processes = [new(100, 1, "k3sps", ["k3sps", "server"]), new(101, 100, "k3sps", ["k3sps", "agent"])];

        var tree = K3sProcessTree.Build(processes);

        Assert.Equal([(100, 0, ProcessRole.Server), (101, 1, ProcessRole.Agent)], tree.Nodes.Select(n => (n.Process.Id, n.Depth, n.Role)));
    }

    [Fact]
    public void Nothing_running_gives_an_empty_tree() =>
        Assert.Empty(K3sProcessTree.Build([new(1, 0, "init", ["/sbin/init"]), new(2, 1, "bash", ["bash"])]).Nodes);

    [Fact]
    public void A_parent_cycle_does_not_hang_the_search() =>
        Assert.Empty(K3sProcessTree.Build([new(5, 6, "a", ["a"]), new(6, 5, "b", ["b"])]).Nodes);
}
