using k8s;
using k8s.Models;

namespace K3s.Controllers.Tests;

public sealed class BootstrapTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task The_kubernetes_service_points_at_the_api_server_from_the_first_service_address()
    {
        using var client = cluster.Client();
        V1Endpoints? endpoints = null;
        await Eventually.HoldsAsync(async () =>
        {
            endpoints = await TryAsync(() => client.CoreV1.ReadNamespacedEndpointsAsync("kubernetes", "default"));
            return endpoints is not null;
        }, "the kubernetes endpoints exist");
        var service = await client.CoreV1.ReadNamespacedServiceAsync("kubernetes", "default");
        Assert.Equal("10.43.0.1", service.Spec.ClusterIP);
        Assert.Equal(443, Assert.Single(service.Spec.Ports).Port);
        var subset = Assert.Single(endpoints!.Subsets);
        Assert.Equal("127.0.0.1", Assert.Single(subset.Addresses).Ip);
        Assert.Equal(cluster.ApiServerPort, Assert.Single(subset.Ports).Port);
        var slice = await client.DiscoveryV1.ReadNamespacedEndpointSliceAsync("kubernetes", "default");
        Assert.Equal("127.0.0.1", Assert.Single(Assert.Single(slice.Endpoints).Addresses));
    }

    [Fact]
    public async Task Cluster_admin_is_bound_to_system_masters()
    {
        using var client = cluster.Client();
        V1ClusterRoleBinding? binding = null;
        await Eventually.HoldsAsync(async () =>
        {
            binding = await TryAsync(() => client.RbacAuthorizationV1.ReadClusterRoleBindingAsync("cluster-admin"));
            return binding is not null;
        }, "the cluster-admin binding exists");
        Assert.Equal(("ClusterRole", "cluster-admin"), (binding!.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("Group", "system:masters"), (subject.Kind, subject.Name));
        var role = await client.RbacAuthorizationV1.ReadClusterRoleAsync("cluster-admin");
        Assert.Contains(role.Rules, rule => rule.Verbs.SequenceEqual(["*"]) && rule.Resources?.SequenceEqual(["*"]) == true && rule.ApiGroups?.SequenceEqual(["*"]) == true);
    }

    [Fact]
    public async Task A_new_namespace_gets_the_default_service_account_and_the_root_ca()
    {
        using var client = cluster.Client();
        await TestObjects.CreateNamespaceAsync(client, "fresh");
        await Eventually.HoldsAsync(async () =>
            await TryAsync(() => client.CoreV1.ReadNamespacedServiceAccountAsync("default", "fresh")) is not null, "the default service account exists");
        V1ConfigMap? ca = null;
        await Eventually.HoldsAsync(async () =>
        {
            ca = await TryAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", "fresh"));
            return ca is not null;
        }, "kube-root-ca.crt exists");
        Assert.Equal(cluster.CaCertificatePem, ca!.Data["ca.crt"]);

        // Deleted by hand, both come back.
        await client.CoreV1.DeleteNamespacedServiceAccountAsync("default", "fresh");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("kube-root-ca.crt", "fresh");
        await Eventually.HoldsAsync(async () =>
            await TryAsync(() => client.CoreV1.ReadNamespacedServiceAccountAsync("default", "fresh")) is not null
            && await TryAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", "fresh")) is not null, "both are made again");
    }

    [Fact]
    public async Task The_system_namespaces_have_them_too()
    {
        using var client = cluster.Client();
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            await Eventually.HoldsAsync(async () =>
                await TryAsync(() => client.CoreV1.ReadNamespacedServiceAccountAsync("default", ns)) is not null
                && await TryAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", ns)) is not null, $"{ns} has both");
        }
    }

    private static async Task<T?> TryAsync<T>(Func<Task<T>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
