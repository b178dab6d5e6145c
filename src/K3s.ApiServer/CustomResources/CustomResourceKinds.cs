using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Tables;

namespace K3s.ApiServer.CustomResources;

/// <summary>
/// The kinds a CustomResourceDefinition serves: one resource definition per served version, all
/// stored under /registry/GROUP/PLURAL/ in the storage version, with the definition's printer columns.
/// </summary>
public static class CustomResourceKinds
{
    public static IEnumerable<ResourceDefinition> From(JsonObject crd)
    {
        var name = JsonPaths.GetString(crd, "metadata.name")!;
        var group = JsonPaths.GetString(crd, "spec.group") ?? "";
        var names = JsonPaths.Get(crd, "spec.names") as JsonObject ?? [];
        var kind = JsonPaths.GetString(names, "kind") ?? "";
        var plural = JsonPaths.GetString(names, "plural") ?? "";
        var namespaced = JsonPaths.GetString(crd, "spec.scope") != "Cluster";
        var versions = JsonPaths.Objects(crd, "spec.versions").ToList();
        var storage = versions.FirstOrDefault(v => v["storage"] is JsonValue s && s.TryGetValue<bool>(out var isStorage) && isStorage);
        var storageVersion = JsonPaths.GetString(storage, "name") ?? "";
        foreach (var version in versions.Where(v => v["served"] is JsonValue s && s.TryGetValue<bool>(out var served) && served))
        {
            var versionName = JsonPaths.GetString(version, "name") ?? "";
            var scale = JsonPaths.Get(version, "subresources.scale") as JsonObject;
            yield return new ResourceDefinition(group, versionName, kind, plural, namespaced, Strings(names["shortNames"]))
            {
                Singular = JsonPaths.GetString(names, "singular") ?? kind.ToLowerInvariant(),
                Categories = Strings(names["categories"]),
                StoragePrefix = $"{group}/{plural}",
                DefinedBy = name,
                HasStatus = JsonPaths.Get(version, "subresources.status") is not null,
                TracksGeneration = true,
                Scale = scale is null ? null : new ScaleSubresource(
                    Path(JsonPaths.GetString(scale, "specReplicasPath")), Path(JsonPaths.GetString(scale, "statusReplicasPath")),
                    Path(JsonPaths.GetString(scale, "labelSelectorPath"))),
                Conversion = versionName == storageVersion ? null : VersionConversion.Renaming($"{group}/{storageVersion}", $"{group}/{versionName}"),
                NameAndAge = false,
                Columns = [TableColumn.ObjectName, .. PrinterColumns(version)],
                Schema = JsonPaths.Get(version, "schema.openAPIV3Schema") as JsonObject,
            };
        }
    }

    /// <summary>The version's additionalPrinterColumns, or AGE alone when it names none (as upstream).</summary>
    private static IEnumerable<TableColumn> PrinterColumns(JsonObject version)
    {
        var declared = JsonPaths.Objects(version, "additionalPrinterColumns").ToList();
        if (declared.Count == 0)
            return [TableColumn.AgeOf("Age", "metadata.creationTimestamp", "CreationTimestamp is a timestamp representing the server time when this object was created.", "<unknown>")];
        return declared.Select(column =>
        {
            var path = Path(JsonPaths.GetString(column, "jsonPath"));
            var type = JsonPaths.GetString(column, "type") ?? "string";
            var description = JsonPaths.GetString(column, "description") ?? "";
            var priority = (int)JsonPaths.GetLong(column, "priority");
            var title = JsonPaths.GetString(column, "name") ?? path;
            // Dates are shown as ages, as the upstream server renders them.
            return type == "date"
                ? TableColumn.AgeOf(title, path, description, "<unknown>") with { Priority = priority }
                : new TableColumn(title, type, description, (item, _) => JsonPaths.Get(item, path)?.DeepClone(), priority);
        });
    }

    /// <summary>A simple JSONPath (".spec.replicas") as a dotted path ("spec.replicas").</summary>
    private static string Path(string? jsonPath) => (jsonPath ?? "").TrimStart('.');

    private static IReadOnlyList<string> Strings(JsonNode? array) =>
        (array as JsonArray)?.Select(value => value?.ToString() ?? "").Where(value => value.Length > 0).ToList() ?? [];
}
