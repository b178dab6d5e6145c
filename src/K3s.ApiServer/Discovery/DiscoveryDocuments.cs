using System.Text.Json.Nodes;
using K3s.ApiServer.Resources;

namespace K3s.ApiServer.Discovery;

/// <summary>The discovery documents clients read to learn what is served, made from the resource definitions.</summary>
public static class DiscoveryDocuments
{
    /// <summary>What /version answers: the Kubernetes version this API speaks.</summary>
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0+k3sps",
        ["gitCommit"] = "",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-11-26T00:00:00Z",
        ["goVersion"] = $".NET {Environment.Version}",
        ["compiler"] = "dotnet",
        ["platform"] = $"{(OperatingSystem.IsWindows() ? "windows" : "linux")}/{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant() switch { "x64" => "amd64", var other => other }}",
    };

    /// <summary>/api: the core group's versions.</summary>
    public static JsonObject CoreVersions() => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = "" }),
    };

    /// <summary>/apis: the named groups.</summary>
    public static JsonObject Groups(ResourceRegistry registry) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(registry.GroupVersions.Select(gv => gv.Group).Where(group => group.Length > 0).Distinct()
            .Select(group => (JsonNode)GroupOf(registry, group)).ToArray()),
    };

    /// <summary>/apis/GROUP: one group's versions; null if it is not served.</summary>
    public static JsonObject? Group(ResourceRegistry registry, string group) =>
        group.Length > 0 && registry.GroupVersions.Any(gv => gv.Group == group) ? GroupOf(registry, group) : null;

    private static JsonObject GroupOf(ResourceRegistry registry, string group)
    {
        var versions = registry.GroupVersions.Where(gv => gv.Group == group)
            .Select(gv => (JsonNode)new JsonObject { ["groupVersion"] = $"{group}/{gv.Version}", ["version"] = gv.Version }).ToArray();
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray(versions),
            ["preferredVersion"] = versions[0].DeepClone(),
        };
    }

    /// <summary>/api/v1 or /apis/GROUP/VERSION: the resources of one group version; null if it is not served.</summary>
    public static JsonObject? Resources(ResourceRegistry registry, string group, string version)
    {
        var definitions = registry.All.Where(d => d.Group == group && d.Version == version).OrderBy(d => d.Plural, StringComparer.Ordinal).ToList();
        if (definitions.Count == 0)
            return null;
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = new JsonArray(definitions.SelectMany(ResourceEntries).ToArray()),
        };
    }

    /// <summary>A kind's entry and one for each of its subresources, as upstream lists them.</summary>
    private static IEnumerable<JsonNode> ResourceEntries(ResourceDefinition d)
    {
        var main = new JsonObject
        {
            ["name"] = d.Plural,
            ["singularName"] = d.Singular,
            ["namespaced"] = d.Namespaced,
            ["kind"] = d.Kind,
            ["verbs"] = Strings(d.AllowedVerbs),
        };
        if (d.ShortNames.Count > 0)
            main["shortNames"] = Strings(d.ShortNames);
        if (d.Categories.Count > 0)
            main["categories"] = Strings(d.Categories);
        yield return main;
        foreach (var sub in d.Subresources())
        {
            var entry = new JsonObject
            {
                ["name"] = $"{d.Plural}/{sub.Name}",
                ["singularName"] = "",
                ["namespaced"] = d.Namespaced,
                ["kind"] = sub.Kind,
                ["verbs"] = Strings(sub.Verbs),
            };
            // A subresource of another group's kind names it (scale answers with autoscaling/v1 Scale).
            if (sub.Group != d.Group || sub.Version != d.Version)
            {
                entry["group"] = sub.Group;
                entry["version"] = sub.Version;
            }
            yield return entry;
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(value => (JsonNode)value).ToArray());
}
