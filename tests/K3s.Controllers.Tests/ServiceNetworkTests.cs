using System.Net;
using K3s.Controllers.Services;

namespace K3s.Controllers.Tests;

public sealed class ServiceNetworkTests
{
    [Fact]
    public void Never_gives_the_network_the_kubernetes_service_or_the_broadcast_address()
    {
        var network = new ServiceNetwork(IPNetwork.Parse("10.0.0.0/29"));
        Assert.Equal("10.0.0.1", network.KubernetesServiceAddress.ToString());
        var used = new HashSet<string>();
        while (network.Allocate(used) is { } address)
            Assert.True(used.Add(address.ToString()), $"{address} given twice");
        Assert.Equal(new[] { "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6" }, used.Order());
    }

    [Fact]
    public void Node_ports_come_from_the_range_and_skip_used_ones()
    {
        var used = Enumerable.Range(NodePortRange.First, NodePortRange.Last - NodePortRange.First).ToHashSet();
        Assert.Equal(NodePortRange.Last, NodePortRange.Allocate(used));
        used.Add(NodePortRange.Last);
        Assert.Null(NodePortRange.Allocate(used));
    }

    [Fact]
    public void An_ipv6_or_tiny_network_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ServiceNetwork(IPNetwork.Parse("fd00::/108")));
        Assert.Throws<ArgumentException>(() => new ServiceNetwork(IPNetwork.Parse("10.0.0.0/30")));
    }
}
