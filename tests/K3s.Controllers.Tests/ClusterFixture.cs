using System.Net;
using K3s.ApiServer;
using K3s.Controllers;
using K3s.Controllers.NodeLifecycle;
using K3s.Core.Tls;
using K3s.Kine;
using K3s.Kine.Sql;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace K3s.Controllers.Tests;

/// <summary>
/// An API server on K3s.Kine (SQLite in a temporary data dir) on 127.0.0.1 at a free port, and the
/// controllers running against it as the server runs them: clients with the admin's kubeconfig.
/// The tests register nodes through the API with no kubelet renewing their leases, so the node
/// lifecycle controller gets a grace period longer than any test run here and leaves them Ready;
/// <see cref="NodeLifecycleFixture"/> runs a cluster of its own with a short one.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private static readonly NodeLifecycleOptions QuietNodesStayReady = new() { GracePeriod = TimeSpan.FromHours(1) };

    private readonly NodeLifecycleOptions nodeLifecycle;
    private readonly TemporaryDirectory dataDir = new();
    private KineStore? store;
    private ApiServerHost? host;
    private ClusterCertificates? certificates;
    private Kubernetes? controllerClient;
    private ControllerManager? controllers;

    public ClusterFixture()
        : this(QuietNodesStayReady)
    {
    }

    protected ClusterFixture(NodeLifecycleOptions nodeLifecycle) => this.nodeLifecycle = nodeLifecycle;

    public string KubeconfigPath => Path.Combine(dataDir.Path, "kubeconfig.yaml");

    /// <summary>The server CA's certificate, which kube-root-ca.crt carries.</summary>
    public string CaCertificatePem => certificates!.ServerCa.CertificatePem;

    /// <summary>The API server's port, which the kubernetes Service's endpoints name.</summary>
    public int ApiServerPort => host!.Address.Port;

    public async Task InitializeAsync()
    {
        store = await KineStore.OpenAsync(DatastoreEndpoint.Parse(null, dataDir.Path));
        certificates = ClusterCertificates.Ensure(dataDir.Path, ["127.0.0.1", "localhost"]);
        host = await ApiServerHost.StartAsync(store, new ApiServerOptions(new IPEndPoint(IPAddress.Loopback, 0), certificates));
        Kubeconfig.Write(KubeconfigPath, Kubeconfig.Render(host.Address.ToString().TrimEnd('/'), certificates.ServerCa.CertificatePem, certificates.Admin), "0600");
        controllerClient = Client();
        var settings = new ClusterSettings(ClusterSettings.DefaultServiceCidr, new IPEndPoint(IPAddress.Loopback, host.Address.Port), certificates.ServerCa.CertificatePem);
        controllers = ControllerManager.Start(controllerClient, NullLoggerFactory.Instance, resyncPeriod: TimeSpan.FromSeconds(30), settings,
            nodeLifecycle: nodeLifecycle);
    }

    /// <summary>A KubernetesClient built from the written kubeconfig, as users build one.</summary>
    public Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));

    public async Task DisposeAsync()
    {
        if (controllers is not null)
            await controllers.DisposeAsync();
        controllerClient?.Dispose();
        if (host is not null)
            await host.DisposeAsync();
        if (store is not null)
            await store.DisposeAsync();
        certificates?.Dispose();
        dataDir.Dispose();
    }
}
