using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Bootstrap;

/// <summary>
/// The ConfigMap kube-root-ca.crt in every namespace, its ca.crt the server CA's certificate, so pods
/// can check the API server's certificate (upstream's root-ca-cert-publisher). A changed copy is put right.
/// </summary>
public sealed class RootCaPublisher(Kubernetes client, string caCertificatePem, ILoggerFactory loggers, TimeSpan resyncPeriod)
    : PerNamespaceController<V1ConfigMap>("root-ca-cert-publisher", client,
        ClusterSources.ConfigMapsNamed(client, ConfigMapName), loggers, resyncPeriod)
{
    public const string ConfigMapName = "kube-root-ca.crt";
    public const string Key = "ca.crt";

    private const string Description = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
        + "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

    protected override string ObjectName => ConfigMapName;

    protected override async Task EnsureAsync(string @namespace, V1ConfigMap? current, CancellationToken cancellationToken)
    {
        if (current is null)
        {
            try
            {
                await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
                {
                    Metadata = new V1ObjectMeta
                    {
                        Name = ConfigMapName,
                        NamespaceProperty = @namespace,
                        Annotations = new Dictionary<string, string> { ["kubernetes.io/description"] = Description },
                    },
                    Data = new Dictionary<string, string> { [Key] = caCertificatePem },
                }, @namespace, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Made meanwhile; the watch brings it and a changed copy is put right then.
            }
            return;
        }
        if (current.Data?.Count == 1 && current.Data.TryGetValue(Key, out var pem) && pem == caCertificatePem)
            return;
        // A new object over the cached one's metadata (resourceVersion included): the cache is not written to.
        var corrected = new V1ConfigMap { Metadata = current.Metadata, Data = new Dictionary<string, string> { [Key] = caCertificatePem } };
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(corrected, ConfigMapName, @namespace, cancellationToken: cancellationToken);
        Logger.LogInformation("put right {ConfigMap} in {Namespace}", ConfigMapName, @namespace);
    }
}
