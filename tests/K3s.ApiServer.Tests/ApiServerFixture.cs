using System.Net;
using K3s.ApiServer;
using K3s.Core.Etcd;
using K3s.Core.Tls;
using K3s.Kine;
using K3s.Kine.Sql;
using k8s;

namespace K3s.ApiServer.Tests;

/// <summary>
/// One API server for a test class: K3s.Kine on SQLite in a temporary data dir, served on
/// 127.0.0.1 at a free port, with the admin kubeconfig a client reads as kubectl would.
/// A subclass can run it on another datastore (<see cref="EtcdApiServerFixture"/>).
/// </summary>
public class ApiServerFixture : IAsyncLifetime
{
    private readonly TemporaryDirectory dataDir = new();
    private IEtcdStore? store;
    private ApiServerHost? host;
    private ClusterCertificates? certificates;

    public string KubeconfigPath => Path.Combine(dataDir.Path, "kubeconfig.yaml");

    public Uri Address => host!.Address;

    public ClusterCertificates Certificates => certificates!;

    public IEtcdStore Datastore => store!;

    public async Task InitializeAsync()
    {
        store = await OpenDatastoreAsync(dataDir.Path);
        certificates = ClusterCertificates.Ensure(dataDir.Path, ["127.0.0.1", "localhost"]);
        host = await ApiServerHost.StartAsync(store, new ApiServerOptions(new IPEndPoint(IPAddress.Loopback, 0), certificates) { BookmarkInterval = TimeSpan.FromSeconds(1) });
        Kubeconfig.Write(KubeconfigPath, Kubeconfig.Render(host.Address.ToString().TrimEnd('/'), certificates.ServerCa.CertificatePem, certificates.Admin), "0600");
    }

    /// <summary>A KubernetesClient built from the written kubeconfig, as users build one.</summary>
    public Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));

    /// <summary>An HTTP client that trusts the server CA but sends no credentials.</summary>
    public HttpClient Anonymous() => new(TrustingServer()) { BaseAddress = Address };

    /// <summary>An HTTP client with the admin's certificate, for requests a typed client cannot make.</summary>
    public HttpClient Admin()
    {
        var handler = TrustingServer();
        handler.ClientCertificates.Add(Certificates.Admin);
        return new HttpClient(handler) { BaseAddress = Address };
    }

    private HttpClientHandler TrustingServer() => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && Certificates.ServerCa.Signed(certificate),
    };

    /// <summary>The store the API server runs on; closed by <see cref="CloseDatastoreAsync"/>.</summary>
    protected virtual async Task<IEtcdStore> OpenDatastoreAsync(string dataDirectory) =>
        await KineStore.OpenAsync(DatastoreEndpoint.Parse(null, dataDirectory));

    protected virtual async Task CloseDatastoreAsync()
    {
        if (store is IAsyncDisposable disposable)
            await disposable.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
            await host.DisposeAsync();
        await CloseDatastoreAsync();
        certificates?.Dispose();
        dataDir.Dispose();
    }
}
