using System.Net;
using k8s;
using k8s.Models;

namespace K3s.Controllers.Tests;

public sealed class ServiceControllerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly IPNetwork ServiceNetwork = IPNetwork.Parse("10.43.0.0/16");

    [Fact]
    public async Task Services_get_distinct_cluster_ips_from_the_service_network()
    {
        using var client = cluster.Client();
        await TestObjects.CreateNamespaceAsync(client, "ips");
        var addresses = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            await client.CoreV1.CreateNamespacedServiceAsync(Service($"svc-{i}", "ClusterIP"), "ips");
            var service = await AllocatedAsync(client, "ips", $"svc-{i}", service => !string.IsNullOrEmpty(service.Spec.ClusterIP));
            Assert.Equal(new[] { service.Spec.ClusterIP }, service.Spec.ClusterIPs);
            addresses.Add(service.Spec.ClusterIP);
        }
        Assert.All(addresses, address =>
        {
            var parsed = IPAddress.Parse(address);
            Assert.True(ServiceNetwork.Contains(parsed), $"{address} is in {ServiceNetwork}");
            Assert.NotEqual("10.43.0.0", address);
            Assert.NotEqual("10.43.0.1", address);
        });
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
    }

    [Fact]
    public async Task NodePort_services_get_node_ports_in_range_and_headless_ones_no_address()
    {
        using var client = cluster.Client();
        await TestObjects.CreateNamespaceAsync(client, "ports");
        var nodePort = Service("exposed", "NodePort");
        nodePort.Spec.Ports = [new V1ServicePort { Name = "http", Port = 80 }, new V1ServicePort { Name = "fixed", Port = 81, NodePort = 31999 }];
        await client.CoreV1.CreateNamespacedServiceAsync(nodePort, "ports");
        var exposed = await AllocatedAsync(client, "ports", "exposed", service => service.Spec.Ports.All(port => port.NodePort is > 0));
        Assert.InRange(exposed.Spec.Ports[0].NodePort!.Value, 30000, 32767);
        Assert.NotEqual(31999, exposed.Spec.Ports[0].NodePort);
        Assert.Equal(31999, exposed.Spec.Ports[1].NodePort);
        Assert.True(ServiceNetwork.Contains(IPAddress.Parse(exposed.Spec.ClusterIP)));

        var headless = Service("headless", "ClusterIP");
        headless.Spec.ClusterIP = "None";
        await client.CoreV1.CreateNamespacedServiceAsync(headless, "ports");
        // Created after the headless one, so once it has its address the controller has seen both.
        await client.CoreV1.CreateNamespacedServiceAsync(Service("after", "ClusterIP"), "ports");
        await AllocatedAsync(client, "ports", "after", service => !string.IsNullOrEmpty(service.Spec.ClusterIP));
        Assert.Equal("None", (await client.CoreV1.ReadNamespacedServiceAsync("headless", "ports")).Spec.ClusterIP);
    }

    private static V1Service Service(string name, string type) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ServiceSpec
        {
            Type = type,
            Selector = new Dictionary<string, string> { ["app"] = name },
            Ports = [new V1ServicePort { Port = 80 }],
        },
    };

    private static async Task<V1Service> AllocatedAsync(Kubernetes client, string @namespace, string name, Func<V1Service, bool> allocated)
    {
        V1Service? service = null;
        await Eventually.HoldsAsync(async () =>
        {
            service = await client.CoreV1.ReadNamespacedServiceAsync(name, @namespace);
            return allocated(service);
        }, $"service {@namespace}/{name} is allocated");
        return service!;
    }
}
