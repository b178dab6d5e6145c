using System.Text.Json.Nodes;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Namespaces;

/// <summary>The outcome of one pass: what is still there (resource → count), and what failed.</summary>
public sealed record ContentDeletion(DiscoveryResult Discovery, IReadOnlyDictionary<NamespacedResource, int> Remaining, IReadOnlyList<string> Failures)
{
    public bool Finished => Discovery.Failures.Count == 0 && Failures.Count == 0 && Remaining.Count == 0;
}

/// <summary>
/// Empties a namespace: a deletecollection per discovered resource, then a list to see what is left
/// (objects with finalizers of their own stay until those are done, so the caller looks again later).
/// </summary>
public sealed class NamespaceContentDeleter(RawApi api, ResourceDiscovery discovery)
{
    public async Task<ContentDeletion> DeleteAllAsync(string @namespace, CancellationToken cancellationToken)
    {
        var found = await discovery.DiscoverAsync(cancellationToken);
        var remaining = new Dictionary<NamespacedResource, int>();
        var failures = new List<string>();
        foreach (var resource in found.Resources)
        {
            var path = resource.CollectionPath(@namespace);
            try
            {
                await api.DeleteAsync(path, cancellationToken);
                var left = await api.GetAsync(path, cancellationToken);
                if ((left["items"] as JsonArray)?.Count is > 0 and var count)
                    remaining[resource] = count;
            }
            catch (Exception e) when (e is ApiCallException or HttpRequestException)
            {
                failures.Add($"{resource}: {e.Message}");
            }
        }
        return new ContentDeletion(found, remaining, failures);
    }
}
