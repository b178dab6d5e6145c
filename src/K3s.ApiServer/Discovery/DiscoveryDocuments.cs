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
            ["resources"] = new JsonArray(definitions.Select(d => (JsonNode)new JsonObject
            {
                ["name"] = d.Plural,
                ["singularName"] = d.Singular,
                ["namespaced"] = d.Namespaced,
                ["kind"] = d.Kind,
                ["verbs"] = new JsonArray(ResourceDefinition.Verbs.Select(verb => (JsonNode)verb).ToArray()),
                ["shortNames"] = new JsonArray(d.ShortNames.Select(name => (JsonNode)name).ToArray()),
            }).ToArray()),
        };
    }
}
