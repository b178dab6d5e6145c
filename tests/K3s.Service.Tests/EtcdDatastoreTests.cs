using System.Text.Json.Nodes;
using K3s.Kine.Tests.Datastore;
using K3s.Kine.Tests.Servers;
using k8s;
using k8s.Models;

namespace K3s.Service.Tests;

/// <summary><c>k3sps server --datastore-endpoint http://…</c>: a real etcd holds the cluster, as with k3s on etcd.</summary>
public sealed class EtcdDatastoreTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    private string DataDir => Path.Combine(directory.Path, "data");

    private string KubeconfigPath => Path.Combine(directory.Path, "kubeconfig.yaml");

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_server_on_etcd_is_ready_and_stores_objects_where_etcdctl_sees_them()
    {
        using var etcd = await EtcdServer.StartAsync();
        using var server = await ServerProcess.StartReadyAsync(DataDir, KubeconfigPath, "--datastore-endpoint", etcd.Endpoint);
        try
        {
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));
            Assert.Equal("ok", await client.HttpClient.GetStringAsync(new Uri(client.BaseUri, "readyz")));
            var created = await client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "in-etcd" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, "default");

            var etcdctl = new Etcdctl(etcd.Endpoint);
            var stored = JsonNode.Parse(await etcdctl.OkAsync("get", "/registry/configmaps/default/in-etcd", "--print-value-only"))!;
            Assert.Equal("v", (string?)stored["data"]!["k"]);
            Assert.Equal(created.Metadata.Uid, (string?)stored["metadata"]!["uid"]);
            // k3s runs no kine in front of etcd: no kine socket, and the log names the etcd in use.
            Assert.False(File.Exists(Path.Combine(DataDir, "server", "kine.sock")));
            Assert.Contains($"k3sps server: etcd at {etcd.Endpoint}/", server.Stderr);
        }
        finally
        {
            Assert.Equal(0, await server.StopAsync());
        }
    }

    [Fact]
    public async Task An_etcd_that_does_not_answer_is_a_clear_error()
    {
        var nobody = $"http://127.0.0.1:{ServerProcess.FreePort()}";

        using var server = ServerProcess.Start([.. ServerProcess.Arguments(DataDir, KubeconfigPath, ServerProcess.FreePort()), "--datastore-endpoint", nobody]);

        Assert.Equal(1, await server.WaitForExitAsync());
        Assert.StartsWith($"k3sps server: etcd does not answer: {nobody}/: ", server.Stderr);
    }
}
