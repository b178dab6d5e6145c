using k8s;
using k8s.Models;
using static K3s.Controllers.Tests.TestObjects;

namespace K3s.Controllers.Tests;

public sealed class EndpointsControllerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Endpoints_and_slices_list_the_selected_pods_ready_or_not_on_their_named_port()
    {
        using var client = cluster.Client();
        const string ns = "web";
        await CreateNamespaceAsync(client, ns);
        var web = new Dictionary<string, string> { ["app"] = "web" };
        List<V1ContainerPort> ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }];
        await client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1ServiceSpec { Selector = web, Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http" }] },
        }, ns);
        foreach (var name in new[] { "web-a", "web-b", "web-c" })
            await client.CoreV1.CreateNamespacedPodAsync(Pod(name, labels: web, ports: ports), ns);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("other", labels: new Dictionary<string, string> { ["app"] = "other" }, ports: ports), ns);
        await client.CoreV1.CreateNamespacedPodAsync(Pod("no-ip-yet", labels: web, ports: ports), ns);

        await ReportRunningAsync(client, ns, "web-a", "10.42.0.10", ready: true);
        await ReportRunningAsync(client, ns, "web-b", "10.42.0.11", ready: true);
        await ReportRunningAsync(client, ns, "web-c", "10.42.0.12", ready: false);
        await ReportRunningAsync(client, ns, "other", "10.42.0.13", ready: true);

        await Eventually.HoldsAsync(async () =>
        {
            var endpoints = await ReadEndpointsAsync(client, ns, "web");
            var subset = endpoints?.Subsets?.SingleOrDefault();
            return subset is not null
                && Ips(subset.Addresses).SequenceEqual(["10.42.0.10", "10.42.0.11"])
                && Ips(subset.NotReadyAddresses).SequenceEqual(["10.42.0.12"]);
        }, "the Endpoints list the two ready pods and the one not ready");
        var endpoints = (await ReadEndpointsAsync(client, ns, "web"))!;
        var port = Assert.Single(endpoints.Subsets[0].Ports);
        Assert.Equal("http", port.Name);
        Assert.Equal(8080, port.Port);
        Assert.Equal("TCP", port.Protocol);
        Assert.Equal("web-a", endpoints.Subsets[0].Addresses[0].TargetRef.Name);

        await Eventually.HoldsAsync(async () =>
        {
            var slice = (await SlicesAsync(client, ns, "web")).SingleOrDefault();
            return slice?.Endpoints?.Count == 3
                && slice.Endpoints.Where(endpoint => endpoint.Conditions.Ready == true).SelectMany(endpoint => endpoint.Addresses).Order().SequenceEqual(["10.42.0.10", "10.42.0.11"]);
        }, "the EndpointSlice lists the three pods with the two ready ones ready");
        var slice = (await SlicesAsync(client, ns, "web")).Single();
        Assert.Equal("IPv4", slice.AddressType);
        Assert.Equal(8080, Assert.Single(slice.Ports).Port);
        Assert.Equal("Service", Assert.Single(slice.Metadata.OwnerReferences).Kind);

        // A pod turning ready moves to the ready addresses; a pod deleted leaves them.
        await ReportRunningAsync(client, ns, "web-c", "10.42.0.12", ready: true);
        await client.CoreV1.DeleteNamespacedPodAsync("web-a", ns);
        await Eventually.HoldsAsync(async () =>
        {
            var subset = (await ReadEndpointsAsync(client, ns, "web"))?.Subsets?.SingleOrDefault();
            return subset is not null && Ips(subset.Addresses).SequenceEqual(["10.42.0.11", "10.42.0.12"]) && Ips(subset.NotReadyAddresses).Count == 0;
        }, "the Endpoints follow the pods");

        // The service deleted takes its endpoints with it.
        await client.CoreV1.DeleteNamespacedServiceAsync("web", ns);
        await Eventually.HoldsAsync(async () => await ReadEndpointsAsync(client, ns, "web") is null && (await SlicesAsync(client, ns, "web")).Count == 0,
            "the Endpoints and slices of a deleted service are gone");
    }

    private static List<string> Ips(IList<V1EndpointAddress>? addresses) => (addresses ?? []).Select(address => address.Ip).Order().ToList();

    private static async Task<V1Endpoints?> ReadEndpointsAsync(Kubernetes client, string @namespace, string name)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedEndpointsAsync(name, @namespace);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<IList<V1EndpointSlice>> SlicesAsync(Kubernetes client, string @namespace, string service) =>
        (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(@namespace, labelSelector: $"kubernetes.io/service-name={service}")).Items;
}
