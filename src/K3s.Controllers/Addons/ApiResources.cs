using System.Text.Json.Nodes;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Addons;

/// <summary>A kind's REST resource: its plural name under its group version, and whether it lives in namespaces.</summary>
public sealed record ApiResource(string GroupVersionPath, string Plural, bool Namespaced)
{
    public string CollectionPath(string? @namespace) =>
        @namespace is null ? $"{GroupVersionPath}/{Plural}" : $"{GroupVersionPath}/namespaces/{@namespace}/{Plural}";
}

/// <summary>Finds kinds' resources through discovery (/api/v1, /apis/GROUP/VERSION), asked once per group version.</summary>
public sealed class ApiResources(RawApi api)
{
    private readonly Dictionary<string, JsonArray> discovered = new(StringComparer.Ordinal);

    /// <exception cref="FormatException">The server serves no such kind.</exception>
    public async Task<ApiResource> FindAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        var path = apiVersion.Contains('/') ? $"/apis/{apiVersion}" : $"/api/{apiVersion}";
        if (!discovered.TryGetValue(path, out var list))
        {
            try
            {
                list = (await api.GetAsync(path, cancellationToken))["resources"] as JsonArray ?? [];
            }
            catch (ApiCallException e) when (ApiErrors.IsNotFound(e))
            {
                throw new FormatException($"the server serves no {apiVersion}");
            }
            discovered[path] = list;
        }
        var found = list.OfType<JsonObject>().FirstOrDefault(resource =>
            (string?)resource["kind"] == kind && (string?)resource["name"] is { } name && !name.Contains('/'));
        return found is null
            ? throw new FormatException($"the server serves no {kind} in {apiVersion}")
            : new ApiResource(path, (string)found["name"]!, (bool?)found["namespaced"] ?? false);
    }
}
