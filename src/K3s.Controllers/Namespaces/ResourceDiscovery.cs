using System.Text.Json.Nodes;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Namespaces;

/// <summary>What discovery found: the resources to empty a namespace of, and the group versions that failed.</summary>
public sealed record DiscoveryResult(IReadOnlyList<NamespacedResource> Resources, IReadOnlyList<string> Failures);

/// <summary>
/// Every namespaced resource that can be listed and deleted as a collection, from /api/v1 and the
/// preferred version of each group under /apis. Asked afresh each time: kinds come and go (CRDs).
/// </summary>
public sealed class ResourceDiscovery(RawApi api)
{
    public async Task<DiscoveryResult> DiscoverAsync(CancellationToken cancellationToken)
    {
        var groupVersions = new List<string> { "v1" };
        var failures = new List<string>();
        try
        {
            var groups = await api.GetAsync("/apis", cancellationToken);
            groupVersions.AddRange((groups["groups"] as JsonArray ?? [])
                .Select(group => (string?)group?["preferredVersion"]?["groupVersion"])
                .OfType<string>());
        }
        catch (Exception e) when (e is ApiCallException or HttpRequestException)
        {
            failures.Add($"/apis: {e.Message}");
        }

        var resources = new List<NamespacedResource>();
        foreach (var groupVersion in groupVersions)
        {
            try
            {
                var path = groupVersion == "v1" ? "/api/v1" : $"/apis/{groupVersion}";
                var list = await api.GetAsync(path, cancellationToken);
                resources.AddRange((list["resources"] as JsonArray ?? []).OfType<JsonObject>()
                    .Where(Deletable)
                    .Select(resource => new NamespacedResource(groupVersion, (string)resource["name"]!)));
            }
            catch (Exception e) when (e is ApiCallException or HttpRequestException)
            {
                failures.Add($"{groupVersion}: {e.Message}");
            }
        }
        return new DiscoveryResult(resources, failures);
    }

    /// <summary>Namespaced, not a subresource ("pods/log"), and with the verbs the content deleter uses.</summary>
    private static bool Deletable(JsonObject resource)
    {
        var name = (string?)resource["name"] ?? "";
        var verbs = (resource["verbs"] as JsonArray ?? []).Select(verb => (string?)verb).ToHashSet();
        return (bool?)resource["namespaced"] == true && name.Length > 0 && !name.Contains('/')
            && verbs.Contains("list") && verbs.Contains("deletecollection");
    }
}
