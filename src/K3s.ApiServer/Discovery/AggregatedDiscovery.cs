using System.Text.Json.Nodes;
using K3s.ApiServer.Resources;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Discovery;

/// <summary>
/// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1): every group, version and resource in
/// one answer to /api or /apis, which kubectl 1.32 asks for first instead of one request per group version.
/// </summary>
public static class AggregatedDiscovery
{
    /// <summary>The apidiscovery version the Accept header asks for, or null for the plain documents.</summary>
    public static string? RequestedVersion(HttpRequest request)
    {
        foreach (var accept in request.Headers.Accept.SelectMany(header => (header ?? "").Split(',')))
        {
            var parameters = accept.Split(';').Skip(1).Select(p => p.Trim()).ToList();
            if (parameters.Contains("g=apidiscovery.k8s.io") && parameters.Contains("as=APIGroupDiscoveryList"))
            {
                if (parameters.Contains("v=v2"))
                    return "v2";
                if (parameters.Contains("v=v2beta1"))
                    return "v2beta1";
            }
        }
        return null;
    }

    public static string ContentType(string version) => $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList";

    /// <summary>The core group (for /api) or every named group (for /apis).</summary>
    public static JsonObject Document(ResourceRegistry registry, bool core, string version)
    {
        var groups = registry.All.GroupBy(d => d.Group)
            .Where(group => (group.Key.Length == 0) == core)
            .OrderBy(group => group.Key, StringComparer.Ordinal);
        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = "apidiscovery.k8s.io/" + version,
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray(groups.Select(group => (JsonNode)new JsonObject
            {
                ["metadata"] = group.Key.Length == 0 ? new JsonObject() : new JsonObject { ["name"] = group.Key },
                ["versions"] = new JsonArray(group.GroupBy(d => d.Version).OrderByDescending(v => v.Key, StringComparer.Ordinal)
                    .Select(v => (JsonNode)new JsonObject
                    {
                        ["version"] = v.Key,
                        ["resources"] = new JsonArray(v.OrderBy(d => d.Plural, StringComparer.Ordinal).Select(Resource).ToArray()),
                        ["freshness"] = "Current",
                    }).ToArray()),
            }).ToArray()),
        };
    }

    private static JsonNode Resource(ResourceDefinition d)
    {
        var resource = new JsonObject
        {
            ["resource"] = d.Plural,
            ["responseKind"] = Kind(d.Group, d.Version, d.Kind),
            ["scope"] = d.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = d.Singular,
            ["verbs"] = Strings(d.AllowedVerbs),
        };
        if (d.ShortNames.Count > 0)
            resource["shortNames"] = Strings(d.ShortNames);
        if (d.Categories.Count > 0)
            resource["categories"] = Strings(d.Categories);
        var subresources = new JsonArray(d.Subresources().Select(sub => (JsonNode)new JsonObject
        {
            ["subresource"] = sub.Name,
            ["responseKind"] = Kind(sub.Group, sub.Version, sub.Kind),
            ["verbs"] = Strings(sub.Verbs),
        }).ToArray());
        if (subresources.Count > 0)
            resource["subresources"] = subresources;
        return resource;
    }

    private static JsonObject Kind(string group, string version, string kind) =>
        new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(value => (JsonNode)value).ToArray());
}
