using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Resources;

namespace K3s.ApiServer.Storage;

/// <summary>The namespaces every cluster has, made at start if they are missing.</summary>
public static class SystemNamespaces
{
    public static readonly IReadOnlyList<string> Names = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public static async Task EnsureAsync(ObjectStore store, ResourceRegistry registry, CancellationToken cancellationToken)
    {
        var namespaces = registry.Find("", "v1", "namespaces")!;
        foreach (var name in Names)
        {
            try
            {
                await store.CreateAsync(namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, dryRun: false, cancellationToken);
            }
            catch (ApiException e) when (e.Code == 409)
            {
                // Made by an earlier start or by another server on the same datastore.
            }
        }
    }
}
