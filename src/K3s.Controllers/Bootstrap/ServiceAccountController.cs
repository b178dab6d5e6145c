using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using K3s.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Bootstrap;

/// <summary>The ServiceAccount <c>default</c> in every namespace, which pods run as when they name none.</summary>
public sealed class ServiceAccountController(Kubernetes client, ILoggerFactory loggers, TimeSpan resyncPeriod)
    : PerNamespaceController<V1ServiceAccount>("serviceaccount controller", client,
        ClusterSources.ServiceAccountsNamed(client, DefaultName), loggers, resyncPeriod)
{
    public const string DefaultName = "default";

    protected override string ObjectName => DefaultName;

    protected override async Task EnsureAsync(string @namespace, V1ServiceAccount? current, CancellationToken cancellationToken)
    {
        if (current is not null)
            return;
        try
        {
            await Client.CoreV1.CreateNamespacedServiceAccountAsync(
                new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = DefaultName, NamespaceProperty = @namespace } },
                @namespace, cancellationToken: cancellationToken);
            Logger.LogDebug("made the default service account in {Namespace}", @namespace);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Made meanwhile (the cache lags, or another server did it).
        }
    }
}
